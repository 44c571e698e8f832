// The points of an import on a small map before anything is written: green ready, red in error,
// the province's extent as a frame, so a wrong coordinate system shows at a glance.
(function () {
  "use strict";
  var box = document.getElementById("import-preview");
  if (!box || !window.L) return;
  var points = JSON.parse(box.dataset.points), frame = JSON.parse(box.dataset.bounds);
  var map = L.map(box);
  map.attributionControl.setPrefix(false);  // the basemap's makers only
  var province = L.rectangle([[frame[1], frame[0]], [frame[3], frame[2]]], { color: "#555", weight: 1, fill: false, interactive: false }).addTo(map);
  var layer = L.featureGroup().addTo(map);
  points.forEach(function (p) {
    var ready = p[3] === "ready";
    L.circleMarker([p[2], p[1]], { radius: 4, weight: 1, color: ready ? "#1f6f3f" : "#b00020", fillOpacity: 0.7 })
      .bindTooltip(String(p[0])).addTo(layer);
  });
  var bounds = layer.getBounds().extend(province.getBounds());
  map.fitBounds(bounds.isValid() ? bounds : province.getBounds(), { padding: [10, 10] });
  if (window.SmartTreesBasemap) window.SmartTreesBasemap.fromElement(map, box);
})();
