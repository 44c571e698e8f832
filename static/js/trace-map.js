// The stands of a trace on a small Leaflet map (over the app's own basemap when it has one):
// where the wood of a batch grew, or where a seedling lot was planted. Each outline opens its
// name, plot ids and area.
(function () {
  var box = document.getElementById("trace-map");
  if (!box || !window.L) return;
  var stands = JSON.parse(box.dataset.stands);
  if (!stands.features.length) { box.hidden = true; return; }
  var map = L.map(box);
  map.attributionControl.setPrefix(false);
  var layer = L.geoJSON(stands, {
    style: { color: "#1f6f3f", weight: 2, fillOpacity: 0.25 },
    onEachFeature: function (feature, shape) {
      var p = feature.properties, text = document.createElement("div");
      text.textContent = p.label;
      shape.bindPopup(text);
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [12, 12] });
  if (window.SmartTreesBasemap) window.SmartTreesBasemap.fromElement(map, box);
})();
