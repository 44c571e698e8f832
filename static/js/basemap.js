// The basemap under every map of the app: the vector tiles it serves (roads, water, villages,
// communes, drawn in the browser by protomaps-leaflet) or raster tiles (an orthophoto). All
// come from the app itself; without a basemap the maps keep their plain background.
window.SmartTreesBasemap = (function () {
  "use strict";

  // Every map of the page says "zoom in" in the page's language (Leaflet's own is English).
  if (window.L && L.Control && L.Control.Zoom && document.body && document.body.dataset.zoomIn) {
    L.Control.Zoom.prototype.options.zoomInTitle = document.body.dataset.zoomIn;
    L.Control.Zoom.prototype.options.zoomOutTitle = document.body.dataset.zoomOut;
  }

  var POINT = 1, LINE = 2, POLYGON = 3;

  function ofType(type) {
    return function (zoom, feature) { return feature.geomType === type; };
  }

  function isCommune(zoom, feature) { return feature.props.kind === "commune" || feature.props.kind === "ward"; }
  function isTown(zoom, feature) { return !isCommune(zoom, feature); }

  function byZoom(widths) {  // [[zoom, width], ...]: the width grows as one zooms in
    return function (zoom) {
      var width = widths[0][1];
      widths.forEach(function (step) { if (zoom >= step[0]) width = step[1]; });
      return width;
    };
  }

  function vectorRules() {
    var P = window.protomapsL;
    var text = { fill: "#3d3d3d", stroke: "#ffffff", width: 2.5, font: "600 12px sans-serif" };
    var fills = [
      { dataLayer: "communes", symbolizer: new P.PolygonSymbolizer({ fill: "#f3f1ea" }) },
      { dataLayer: "landuse", symbolizer: new P.PolygonSymbolizer({ fill: "#dcebcb", opacity: 0.8 }) },
      { dataLayer: "water", symbolizer: new P.PolygonSymbolizer({ fill: "#aad3ef" }), filter: ofType(POLYGON) }
    ];
    // A map with its own commune layer (the province map) draws no second outline.
    var outlines = [{ dataLayer: "communes", symbolizer: new P.LineSymbolizer({ color: "#a493bd", width: 0.8, dash: [4, 3] }) }];
    // Lines and names stay readable above a map's own coloured polygons.
    var lines = [
      { dataLayer: "water", symbolizer: new P.LineSymbolizer({ color: "#5d9fd3", width: byZoom([[0, 1], [12, 2], [15, 3.5]]) }), filter: ofType(LINE) },
      { dataLayer: "roads", symbolizer: new P.LineSymbolizer({ color: "#8f7f66", width: byZoom([[0, 1.4], [11, 3], [14, 6.5]]) }) },
      { dataLayer: "roads", symbolizer: new P.LineSymbolizer({ color: "#fbe3a1", width: byZoom([[0, 0.7], [11, 1.8], [14, 4.5]]) }) },
      { dataLayer: "boundaries", symbolizer: new P.LineSymbolizer({ color: "#7e6a9c", width: 2 }) },
      { dataLayer: "places", symbolizer: new P.CircleSymbolizer({ radius: 2.5, fill: "#555555" }), filter: ofType(POINT), minzoom: 12 }
    ];
    var labelRules = [
      // Towns first; the province's ~90 commune names only from zoom 10, where they have room
      // (at 9 the names that won the collision test were an arbitrary few).
      { dataLayer: "places", symbolizer: new P.CenteredTextSymbolizer(Object.assign({ labelProps: ["name"] }, text)), filter: isTown, minzoom: 7 },
      { dataLayer: "places", symbolizer: new P.CenteredTextSymbolizer(Object.assign({ labelProps: ["name"] }, text, { font: "600 11px sans-serif" })), filter: isCommune, minzoom: 10 },
      { dataLayer: "roads", symbolizer: new P.LineLabelSymbolizer({ labelProps: ["name"], fill: "#4a4030", stroke: "#ffffff", width: 2.5, font: "11px sans-serif" }), minzoom: 12 },
      { dataLayer: "water", symbolizer: new P.LineLabelSymbolizer({ labelProps: ["name"], fill: "#2f6d9c", stroke: "#ffffff", width: 2, font: "italic 11px sans-serif" }), filter: ofType(LINE), minzoom: 12 }
    ];
    return { fills: fills, outlines: outlines, lines: lines, labels: labelRules };
  }

  function vectorLayer(info, rules, options) {
    return window.protomapsL.leafletLayer(Object.assign({
      url: info.url,
      paintRules: rules.paint || [],
      labelRules: rules.labels || [],
      maxDataZoom: info.maxzoom,
      attribution: info.attribution || ""
    }, options));
  }

  function raster(info) {
    return L.tileLayer(info.url, { maxZoom: 19, maxNativeZoom: info.maxzoom || 19, attribution: info.attribution || "" });
  }

  // Add the basemap described by `info` (from /basemap/info.json) under the map's layers;
  // a vector basemap's roads, rivers and names go to `labelsPane` when given (above a map's
  // own coloured polygons), its fills stay at the bottom.
  function add(map, info, labelsPane) {
    if (!info || !info.url) return null;
    if (info.kind !== "vector" || !window.protomapsL) {
      var image = raster(info).addTo(map);
      image.bringToBack();
      return image;
    }
    var rules = vectorRules(), background = { backgroundColor: "#f6f4ef" };
    if (!labelsPane) {
      var all = { paint: rules.fills.concat(rules.outlines, rules.lines), labels: rules.labels };
      return vectorLayer(info, all, background).addTo(map);
    }
    vectorLayer(info, { paint: rules.fills }, background).addTo(map);
    return vectorLayer(info, { paint: rules.lines, labels: rules.labels }, { pane: labelsPane }).addTo(map);
  }

  // A map whose element carries data-basemap (the JSON of /basemap/info.json).
  function fromElement(map, element) {
    var text = element.dataset.basemap;
    return text ? add(map, JSON.parse(text)) : null;
  }

  return { add: add, fromElement: fromElement };
})();
