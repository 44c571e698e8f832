// The dashboard's charts (Chart.js, served by the app) and its commune map: every bar opens
// the trees behind it. The figures come in the page as JSON; nothing else is fetched but tiles.
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);
  var COLOURS = ["#1f6f3f", "#d95f02", "#7570b3", "#1b9e77", "#e6ab02", "#a6761d", "#66a61e", "#e7298a"];

  function format(value) {
    return Number(value).toLocaleString(document.documentElement.lang || "vi", { maximumFractionDigits: 1 });
  }

  function drawChart(chart) {
    var canvas = document.getElementById("chart-" + chart.id);
    if (!canvas || !window.Chart) return;
    var horizontal = chart.kind === "hbar";
    var datasets = [{
      type: chart.kind === "line" ? "line" : "bar", label: chart.title, data: chart.values,
      backgroundColor: chart.kind === "line" ? "rgba(31,111,63,0.15)" : COLOURS[0], borderColor: COLOURS[0],
      fill: chart.kind === "line", tension: 0.2, yAxisID: "y"
    }];
    if (chart.stacks) {  // one dataset per condition, stacked in each category's bar
      var shades = { good: "#1b9e77", fair: "#e6ab02", poor: "#d95f02", dead: "#7a0177", removed: "#666666" };
      datasets = chart.stacks.map(function (stack, index) {
        return { type: "bar", label: stack.label, data: stack.values, stack: "all",
          backgroundColor: shades[stack.key] || COLOURS[index % COLOURS.length], yAxisID: "y" };
      });
    }
    if (chart.survival) {
      datasets.push({ type: "line", label: "%", data: chart.survival, borderColor: COLOURS[1],
        backgroundColor: COLOURS[1], yAxisID: "share", pointRadius: 2 });
    }
    // Counts of trees have no fractions; areas in hectares do.
    var ticks = { callback: format, precision: chart.id === "stands" || chart.id === "ages" ? undefined : 0 };
    var scales = horizontal ? { x: { beginAtZero: true, ticks: ticks } } : { y: { beginAtZero: true, ticks: ticks } };
    if (chart.stacks) { scales.y.stacked = true; scales.x = { stacked: true }; }
    if (chart.survival) scales.share = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } };
    new window.Chart(canvas, {
      data: { labels: chart.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x", maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: !!(chart.survival || chart.stacks) }, tooltip: { callbacks: {
          label: function (item) { return item.dataset.label === "%" ? format(item.raw) + " %" : format(item.raw); } } } },
        scales: scales,
        onClick: function (event, elements) {
          if (!elements.length) return;
          var link = chart.links[elements[0].index];
          if (link) window.location.href = link;
        },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length && chart.links[elements[0].index] ? "pointer" : "default";
        }
      }
    });
  }

  function colour(value, steps) {
    var shades = ["#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"];
    for (var i = steps.length - 1; i >= 0; i--) if (value >= steps[i]) return shades[i + 1];
    return shades[0];
  }

  function drawMap() {
    var box = document.getElementById("report-map");
    if (!box || !window.L || !L.vectorGrid) return;
    var byCode = {}, values = [];
    data.communes.forEach(function (c) { if (c.code) { byCode[c.code] = c; values.push(c.trees_per_ha || 0); } });
    values.sort(function (a, b) { return a - b; });
    var steps = [0.2, 0.4, 0.6, 0.8, 0.95].map(function (q) { return values[Math.floor(q * (values.length - 1))] || 0; });
    var map = L.map(box, { attributionControl: true, scrollWheelZoom: false });
    var b = data.bounds;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    if (data.basemap && window.SmartTreesBasemap) window.SmartTreesBasemap.add(map, data.basemap);
    var layer = L.vectorGrid.protobuf(box.dataset.tiles, {
      rendererFactory: L.canvas.tile, interactive: true, fetchOptions: { credentials: "same-origin" },
      vectorTileLayerStyles: { communes: function (props) {
        var row = byCode[props.code];
        return { fill: true, fillOpacity: row ? 0.75 : 0.1, fillColor: row ? colour(row.trees_per_ha || 0, steps) : "#ffffff",
          color: "#555", weight: 0.6 };
      } }
    }).addTo(map);
    layer.on("click", function (e) {
      var row = byCode[e.layer.properties.code];
      L.popup().setLatLng(e.latlng).setContent("<b>" + (e.layer.properties.name || "").replace(/</g, "&lt;") + "</b><br>" +
        data.legend + ": " + (row ? format(row.trees_per_ha || 0) : "0")).openOn(map);
    });
  }

  data.charts.forEach(drawChart);
  drawMap();
})();
