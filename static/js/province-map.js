// The province map: vector tiles from the app (trees as clusters or points, stands, communes),
// filters kept in the URL, cards on click, a search box, a legend. Started by the Folium page.
var SmartTreesMap = (function () {
  "use strict";

  // VectorGrid 1.3 still calls L.DomEvent.fakeStop, which Leaflet 1.8 removed; restore it.
  if (!L.DomEvent.fakeStop) L.DomEvent.fakeStop = function (e) { e._stopped = true; };
  // Its point features have no latlng, which Leaflet 1.9 reads when firing a click on them.
  // Leaflet passes `false` when the pointer is over no feature of the tile: nothing to mend.
  var fireTileEvent = L.Canvas.Tile.prototype._fireEvent;
  L.Canvas.Tile.prototype._fireEvent = function (targets, e, type) {
    var at = this._map.mouseEventToLatLng(e);
    (targets || []).forEach(function (target) { if (!target._latlng) target._latlng = at; });
    return fireTileEvent.call(this, targets, e, type);
  };

  var COLOURS = {
    category: { urban: "#d95f02", scattered: "#7570b3", plantation: "#1b9e77" },
    condition: { good: "#1a9850", fair: "#e6c229", poor: "#f46d43", dead: "#555555", removed: "#555555", unknown: "#9a9a9a" }
  };
  // Choropleth measures of the commune layer: the property, its class breaks and colours.
  var MEASURES = {
    trees_per_ha: { breaks: [0, 1, 5, 20, 100, 500], colours: ["#f7fcf5", "#d9f0d3", "#a6dba0", "#5aae61", "#1b7837", "#00441b"] },
    trees: { breaks: [0, 1000, 5000, 20000, 50000, 100000], colours: ["#f7fcf5", "#d9f0d3", "#a6dba0", "#5aae61", "#1b7837", "#00441b"] },
    poor_share: { breaks: [0, 2, 5, 8, 12, 20], colours: ["#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"] }
  };
  var MEASURE_LABELS = { trees_per_ha: "Trees per ha", trees: "trees", poor_share: "Poor or dead (%)" };
  var FILTERS = ["category", "condition", "species", "commune", "year", "batch"];

  var map, config, text, state, layers = {};

  function t(key) { return (text && text[key]) || key; }

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return key in values ? encodeURIComponent(values[key]) : "{" + key + "}";
    });
  }

  // ---- state in the URL: #map=z/lat/lon&colour=..&category=.. ----
  function readState() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var view = (params.get("map") || "").split("/").map(Number);
    var result = { colour: params.get("colour") === "condition" ? "condition" : "category", view: null };
    result.measure = MEASURES[params.get("measure")] ? params.get("measure") : "trees_per_ha";
    if (view.length === 3 && view.every(isFinite)) result.view = view;
    FILTERS.forEach(function (name) { result[name] = params.get(name) || ""; });
    return result;
  }

  function writeState() {
    var centre = map.getCenter();
    var params = new URLSearchParams();
    params.set("map", [map.getZoom(), centre.lat.toFixed(5), centre.lng.toFixed(5)].join("/"));
    if (state.colour !== "category") params.set("colour", state.colour);
    if (state.measure !== "trees_per_ha") params.set("measure", state.measure);
    FILTERS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    history.replaceState(null, "", "#" + params.toString().replace(/%2F/g, "/"));
  }

  function filterQuery() {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var query = params.toString();
    return query ? "?" + query : "";
  }

  // ---- drawing ----
  function dominant(props, keys) {
    var best = null, most = -1;
    keys.forEach(function (key) { if ((props[key] || 0) > most) { most = props[key] || 0; best = key; } });
    return best;
  }

  function shortCount(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + "M";
    if (n >= 1e4) return Math.round(n / 1e3) + "k";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
    return String(n);
  }

  function treeStyle(props, zoom) {
    var key = state.colour === "condition" ? (props.condition || "unknown") : props.category;
    return {
      radius: zoom >= 18 ? 6 : zoom >= 16 ? 4.5 : 3.5, weight: 1, color: "#ffffff", opacity: 0.9,
      fill: true, fillColor: COLOURS[state.colour][key] || "#888", fillOpacity: 0.95
    };
  }

  function clusterStyle(props) {
    var keys = state.colour === "condition" ? ["good", "fair", "poor", "dead"] : ["urban", "scattered", "plantation"];
    var key = dominant(props, keys);
    return {
      radius: Math.min(20, 9 + 2.2 * Math.log10(Math.max(1, props.count))), weight: 2, color: "#ffffff",
      opacity: 0.95, fill: true, fillColor: COLOURS[state.colour][key], fillOpacity: 0.88,
      label: shortCount(props.count)
    };
  }

  function communeStyle(props) {
    var measure = MEASURES[state.measure], value = props[state.measure] || 0, colour = measure.colours[0];
    measure.breaks.forEach(function (limit, i) { if (value >= limit) colour = measure.colours[i]; });
    return { weight: 1, color: "#52605a", opacity: 0.7, fill: true, fillColor: colour, fillOpacity: 0.55 };
  }

  function standStyle() {
    return { weight: 1.5, color: "#0b5d1e", opacity: 0.9, fill: true, fillColor: "#6cc36c", fillOpacity: 0.35 };
  }

  // Counts on cluster circles: VectorGrid draws points as circles on a canvas; add the label.
  function drawClusterLabels() {
    var draw = L.Canvas.Tile.prototype._updateCircle;
    L.Canvas.Tile.prototype._updateCircle = function (layer) {
      draw.call(this, layer);
      if (!layer.options.label || layer._empty() || !this._ctx) return;
      var ctx = this._ctx, p = layer._point;
      ctx.save();
      ctx.font = "bold 11px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = "#ffffff";
      ctx.fillText(layer.options.label, p.x, p.y + 0.5);
      ctx.restore();
    };
  }

  function vectorLayer(url, styles, extra) {
    return L.vectorGrid.protobuf(url, L.extend({
      rendererFactory: L.canvas.tile, interactive: true, maxNativeZoom: 20, maxZoom: 22,
      vectorTileLayerStyles: styles, fetchOptions: { credentials: "same-origin" }
    }, extra || {}));
  }

  function treeTilesUrl() { return config.tiles.trees + filterQuery(); }

  function pane(name, zIndex) {
    map.createPane(name).style.zIndex = zIndex;
    return name;
  }

  function addLayers() {
    // The basemap's names sit above the communes' colours, under stands and trees.
    window.SmartTreesBasemap.add(map, config.basemap, pane("st-basemap-names", 305));
    // One pane per layer keeps the drawing order: communes under stands under trees.
    layers.communes = vectorLayer(config.tiles.communes, { communes: communeStyle }, { pane: pane("st-communes", 300) }).addTo(map);
    layers.stands = vectorLayer(config.tiles.stands, { stands: standStyle }, { pane: pane("st-stands", 310), minZoom: 10 }).addTo(map);
    layers.trees = vectorLayer(treeTilesUrl(), { trees: treeStyle, clusters: clusterStyle }, { pane: pane("st-trees", 320) }).addTo(map);
    var overlays = {};
    overlays[t("Trees")] = layers.trees;
    overlays[t("Plantation stands")] = layers.stands;
    overlays[t("Communes and wards")] = layers.communes;
    L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
    layers.trees.on("click", onTreeClick);
    layers.stands.on("click", function (e) { showStand(e.layer.properties, e.latlng); });
    layers.communes.on("click", function (e) { showCommune(e.layer.properties, e.latlng); });
    // Only the top canvas (the trees') hears the pointer, and the map never sees a click on a
    // tile: a click on no feature of it asks the app what stand or commune lies there.
    L.DomEvent.on(map.getContainer(), "click", function (e) {
      // VectorGrid marks a click that met a feature (_stopped): that feature's card opens.
      if (e._stopped || !/leaflet-tile/.test(e.target.className || "")) return;
      showWhatIsAt(map.mouseEventToLatLng(e));
    });
  }

  function refreshTrees() {
    layers.trees.setUrl(treeTilesUrl());
    writeState();
    renderLegend();
  }

  // ---- cards ----
  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); });
  }

  function rows(pairs) {
    return "<table>" + pairs.filter(function (p) { return p[1] !== null && p[1] !== undefined && p[1] !== ""; })
      .map(function (p) { return "<tr><td>" + escapeHtml(p[0]) + "</td><td>" + escapeHtml(p[1]) + "</td></tr>"; })
      .join("") + "</table>";
  }

  function popup(latlng, html) {
    return L.popup({ maxWidth: 320 }).setLatLng(latlng).setContent('<div class="st-card">' + html + "</div>").openOn(map);
  }

  function showWhatIsAt(latlng) {
    getJson(fill(config.api.here, { lon: latlng.lng, lat: latlng.lat })).then(function (here) {
      if (here.stand && map.hasLayer(layers.stands)) showStand(here.stand, latlng);
      else if (here.commune && map.hasLayer(layers.communes)) showCommune(here.commune, latlng);
    });
  }

  function onTreeClick(e) {
    L.DomEvent.stop(e);
    var props = e.layer.properties;
    if (props.count !== undefined) {
      map.setView(e.latlng, Math.min(map.getZoom() + 2, 20));
      return;
    }
    showTree(props.code, e.latlng);
  }

  function showTree(code, latlng) {
    var card = popup(latlng, t("Loading…"));
    getJson(fill(config.api.card, { code: code })).then(function (tree) {
      if (tree.error) { card.setContent(escapeHtml(tree.error.message)); return; }
      var species = tree.species ? tree.species.vi_name + " (" + tree.species.scientific_name + ")" : t("unknown");
      var html = '<h2 class="code">' + escapeHtml(tree.code) + "</h2><div>" + escapeHtml(species) + "</div>" + rows([
        [t("Category"), t(tree.category)], [t("Condition"), t(tree.condition || "unknown")],
        [t("DBH (cm)"), number(tree.dbh_cm)], [t("Height (m)"), number(tree.height_m)], [t("Crown width (m)"), number(tree.crown_m)],
        [t("Commune"), tree.commune && tree.commune.name], [t("Last inspection"), tree.last_inspection && dayFirst(tree.last_inspection)]
      ]);
      var links = [];
      if (config.tree_page) links.push('<a href="' + fill(config.tree_page, { code: tree.code }) + '">' + escapeHtml(t("Open the tree's page")) + "</a>");
      if (config.inspect_page) links.push('<a href="' + fill(config.inspect_page, { code: tree.code }) + '">' + escapeHtml(t("Inspect")) + "</a>");
      if (links.length) html += "<p>" + links.join(" · ") + "</p>";
      card.setContent('<div class="st-card tree-card">' + html + "</div>");
    });
  }

  function dayFirst(iso) { var p = iso.split("-"); return p[2] + "/" + p[1] + "/" + p[0]; }

  // Figures as the user's language writes them: 1.234,5 in Vietnamese, 1,234.5 in English.
  function number(n) {
    if (n === null || n === undefined || n === "") return null;
    var small = n !== 0 && Math.abs(n) < 0.1;  // 0,00076 trees per ha, not 0
    return Number(n).toLocaleString(config.locale === "vi" ? "vi-VN" : "en-GB", small ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 2 });
  }

  function showCommune(props, latlng) {
    var card = popup(latlng, t("Loading…"));
    getJson(fill(config.api.commune, { code: props.code })).then(function (c) {
      if (c.error) { card.setContent(escapeHtml(c.error.message)); return; }
      var mix = c.species.map(function (s) { return (s.vi_name || t("unknown")) + ": " + number(s.trees); }).join(", ");
      card.setContent('<div class="st-card"><h2>' + escapeHtml(c.name) + "</h2>" + rows([
        [t("Number of trees"), number(c.trees)], [t("Area"), number(Math.round(c.area_ha)) + " " + t("ha")],
        [t("Trees per ha"), number(c.trees_per_ha)], [t("Poor or dead (%)"), number(c.poor_share)], [t("urban"), number(c.by_category.urban || 0)],
        [t("scattered"), number(c.by_category.scattered || 0)], [t("plantation"), number(c.by_category.plantation || 0)],
        [t("Main species"), mix]
      ]) + "</div>");
    });
  }

  // A signed-in user takes a stand's trees to the list, or as a GeoPackage.
  function standLinks(id) {
    if (!config.stand_trees) return "";
    return '<p><a href="' + fill(config.stand_trees, { id: id }) + '">' + escapeHtml(t("This stand's trees")) + "</a> · " +
      '<a href="' + fill(config.stand_file, { id: id }) + '">' + escapeHtml(t("as a GeoPackage")) + "</a></p>";
  }

  function showStand(props, latlng) {
    var card = popup(latlng, t("Loading…"));
    getJson(fill(config.api.stand, { id: props.id })).then(function (s) {
      if (s.error) { card.setContent(escapeHtml(s.error.message)); return; }
      card.setContent('<div class="st-card"><h2>' + escapeHtml(s.name) + "</h2>" + rows([
        [t("Species"), s.species], [t("Planted"), s.planting_year], [t("Area"), number(s.area_ha) + " " + t("ha")],
        [t("Number of trees"), number(s.trees)], [t("Density"), number(s.trees_per_ha) + " / " + t("ha")],
        [t("Plot"), [s.plot.tieu_khu, s.plot.khoanh, s.plot.lo].join(" / ")], [t("Commune"), s.commune],
        [t("Survival"), s.survival && s.survival.trees ? number(s.survival.survival) + " % (" +
          t("inspected") + " " + number(s.survival.inspected_share) + " %)" : null],
        [t("CO₂ equivalent (t)"), s.co2e_t ? number(s.co2e_t) : null]
      ]) + standLinks(s.id) + "</div>");
    });
  }

  // ---- panel: filters, search, legend ----
  function option(value, label, selected) {
    return '<option value="' + escapeHtml(value) + '"' + (String(selected) === String(value) ? " selected" : "") + ">" + escapeHtml(label) + "</option>";
  }

  function select(name, label, options) {
    var html = option("", t("All"), state[name]) + options.map(function (o) { return option(o[0], o[1], state[name]); }).join("");
    return '<label for="st-' + name + '">' + escapeHtml(label) + '</label><select id="st-' + name + '" data-filter="' + name + '">' + html + "</select>";
  }

  function buildPanel() {
    var panel = L.DomUtil.create("div", "st-panel", map.getContainer());
    L.DomEvent.disableClickPropagation(panel);
    L.DomEvent.disableScrollPropagation(panel);
    var years = [];
    for (var y = new Date().getFullYear(); y >= 1950; y--) years.push([y, y]);
    panel.innerHTML = "<h1>" + escapeHtml(t("Tree inventory")) + "</h1>" +
      '<input id="st-search" type="search" autocomplete="off" placeholder="' + escapeHtml(t("Search a code or a commune")) + '" aria-label="' + escapeHtml(t("Search a code or a commune")) + '">' +
      '<ul class="st-results" id="st-results"></ul>' +
      '<label for="st-colour">' + escapeHtml(t("Colour trees by")) + '</label><select id="st-colour">' +
      option("category", t("Category"), state.colour) + option("condition", t("Condition"), state.colour) + "</select>" +
      select("category", t("Category"), config.categories.map(function (c) { return [c, t(c)]; })) +
      select("condition", t("Condition"), config.conditions.map(function (c) { return [c, t(c)]; })) +
      select("species", t("Species"), config.species) +
      select("commune", t("Commune"), config.communes) +
      select("year", t("Planting year"), years) +
      '<label for="st-measure">' + escapeHtml(t("Communes coloured by")) + '</label><select id="st-measure">' +
      Object.keys(MEASURES).map(function (key) { return option(key, t(MEASURE_LABELS[key]), state.measure); }).join("") + "</select>" +
      '<button type="button" id="st-reset">' + escapeHtml(t("Reset filters")) + "</button>" +
      (config.print_labels ? ' <button type="button" id="st-print">' + escapeHtml(t("Print labels of this view")) + "</button>" : "") +
      (config.export_trees ? ' <button type="button" id="st-export">' + escapeHtml(t("These trees as a GeoPackage")) + "</button>" : "") +
      (state.batch ? '<div class="st-note" id="st-batch">' + escapeHtml(t("Only the trees of import") + " #" + state.batch) +
        ' <button type="button" class="link" id="st-batch-off">' + escapeHtml(t("Show every tree")) + "</button></div>" : "") +
      '<div class="st-legend" id="st-legend"></div>' +
      (config.basemap ? "" : '<div class="st-note">' + escapeHtml(t("No basemap: the commune layer is the background.")) + "</div>");
    panel.querySelectorAll("select[data-filter]").forEach(function (box) {
      box.addEventListener("change", function () { state[box.dataset.filter] = box.value; refreshTrees(); });
    });
    panel.querySelector("#st-colour").addEventListener("change", function (e) { state.colour = e.target.value; refreshTrees(); });
    panel.querySelector("#st-measure").addEventListener("change", function (e) {
      state.measure = e.target.value;
      layers.communes.redraw();
      writeState();
      renderLegend();
    });
    panel.querySelector("#st-reset").addEventListener("click", function () {
      FILTERS.forEach(function (name) { state[name] = ""; });
      panel.querySelectorAll("select[data-filter]").forEach(function (box) { box.value = ""; });
      var batch = panel.querySelector("#st-batch");
      if (batch) batch.remove();
      refreshTrees();
    });
    wireSearch(panel.querySelector("#st-search"), panel.querySelector("#st-results"));
    var batchOff = panel.querySelector("#st-batch-off");
    if (batchOff) batchOff.addEventListener("click", function () { state.batch = ""; panel.querySelector("#st-batch").remove(); refreshTrees(); });
    var print = panel.querySelector("#st-print");
    if (print) print.addEventListener("click", function () { window.open(viewUrl(config.print_labels), "_blank"); });
    var exported = panel.querySelector("#st-export");
    if (exported) exported.addEventListener("click", function () { window.location.href = viewUrl(config.export_trees); });
    return panel;
  }

  // The trees in view with the map's filters: a sheet of labels, or a file (the tree list's
  // endpoints, which take the same filters and the view as a box).
  function viewUrl(base) {
    var b = map.getBounds(), params = new URLSearchParams();
    params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(","));
    var names = { category: "category", condition: "condition", species: "species_id", commune: "commune_id", year: "year", batch: "batch" };
    Object.keys(names).forEach(function (name) { if (state[name]) params.set(names[name], state[name]); });
    return base + "?" + params.toString();
  }

  function renderLegend() {
    var box = document.getElementById("st-legend");
    if (!box) return;
    var keys = state.colour === "condition" ? ["good", "fair", "poor", "dead", "unknown"] : ["urban", "scattered", "plantation"];
    var html = "<b>" + escapeHtml(t("Legend")) + "</b><br>" + keys.map(function (key) {
      return '<i style="background:' + COLOURS[state.colour][key] + '"></i>' + escapeHtml(t(key));
    }).join("<br>");
    var measure = MEASURES[state.measure];
    html += "<br><b>" + escapeHtml(t(MEASURE_LABELS[state.measure])) + "</b><br>" + measure.breaks.map(function (limit, i) {
      var next = measure.breaks[i + 1];
      return '<i class="square" style="background:' + measure.colours[i] + '"></i>' + number(limit) + (next ? "–" + number(next) : "+");
    }).join("<br>");
    box.innerHTML = html;
  }

  function wireSearch(input, list) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input.value, list); }, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && list.firstChild) list.firstChild.click();
    });
  }

  function search(q, list) {
    if (!q.trim()) { list.innerHTML = ""; return; }
    getJson(config.api.search + "?q=" + encodeURIComponent(q)).then(function (body) {
      var results = body.results || [];
      list.innerHTML = results.length ? "" : "<li>" + escapeHtml(t("Nothing found.")) + "</li>";
      results.forEach(function (r) {
        var item = document.createElement("li");
        item.tabIndex = 0;
        item.textContent = r.label + (r.kind === "commune" ? "" : " · " + t("Trees"));
        item.addEventListener("click", function () { flyTo(r); list.innerHTML = ""; });
        list.appendChild(item);
      });
    });
  }

  function flyTo(result) {
    if (result.kind === "tree") {
      var at = L.latLng(result.point[1], result.point[0]);
      map.flyTo(at, 19);
      map.once("moveend", function () { showTree(result.code, at); });
    } else {
      var b = result.bbox;
      map.flyToBounds([[b[1], b[0]], [b[3], b[2]]]);
    }
  }

  // Leaflet's own words (zoom buttons, layer switch, popup close, its credit) in the page's
  // language; Folium built the controls before the strings arrived.
  function speakTheUsersLanguage() {
    var labels = { ".leaflet-control-zoom-in": "Zoom in", ".leaflet-control-zoom-out": "Zoom out", ".leaflet-control-layers-toggle": "Layers" };
    Object.keys(labels).forEach(function (selector) {
      var element = map.getContainer().querySelector(selector);
      if (element) { element.title = t(labels[selector]); element.setAttribute("aria-label", t(labels[selector])); }
    });
    if (map.attributionControl) map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="' + escapeHtml(t("A library for interactive maps")) + '">Leaflet</a>');
    map.on("popupopen", function (e) {
      var close = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.title = t("Close"); close.setAttribute("aria-label", t("Close")); }
    });
  }

  function start(leafletMap, pageConfig) {
    map = leafletMap;
    config = pageConfig;
    text = config.strings;
    state = readState();
    if (state.view) map.setView([state.view[1], state.view[2]], state.view[0]);
    drawClusterLabels();
    L.control.scale({ imperial: false }).addTo(map);  // metres and kilometres only
    speakTheUsersLanguage();
    addLayers();
    var panel = buildPanel();
    renderLegend();
    if (window.SmartTreesMapTools) {
      window.SmartTreesMapTools.install(map, config, { t: t, escapeHtml: escapeHtml, showTree: showTree, panel: panel });
    }
    map.on("moveend", writeState);
    writeState();
  }

  return { start: start, state: function () { return state; } };
})();
