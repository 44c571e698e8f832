// The tree's position on a small Leaflet map, over the app's own basemap when it has one.
(function () {
  var box = document.getElementById("tree-map");
  if (!box || !window.L) return;
  var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
  var map = L.map(box).setView([lat, lon], 15);
  map.attributionControl.setPrefix(false);  // the basemap's makers only
  L.circleMarker([lat, lon], { radius: 8, color: "#1f6f3f", fillOpacity: 0.8 }).addTo(map);
  if (window.SmartTreesBasemap) window.SmartTreesBasemap.fromElement(map, box);
})();
