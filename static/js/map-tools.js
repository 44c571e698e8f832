// The province map in the hand: the app's navigation in the panel, a panel that folds away
// (folded at first on a phone), and "my location": the user's position on the map and the
// trees nearest it, each one a tap away from its card or its inspection form.
var SmartTreesMapTools = (function () {
  "use strict";

  var PHONE = "(max-width: 640px)";
  var FOLDED_KEY = "smarttrees.map.panelFolded";
  var map, config, t, escapeHtml, showTree, panel, here;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return encodeURIComponent(values[name]); });
  }

  function distance(metres) {
    var km = metres >= 1000;
    var value = km ? metres / 1000 : Math.round(metres);
    var shown = value.toLocaleString(config.locale === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: km ? 1 : 0 });
    return shown + " " + t(km ? "km" : "m");
  }

  // ---- navigation and folding ----
  function addHeader() {
    var title = panel.querySelector("h1");
    var bar = document.createElement("div");
    bar.className = "st-panel-bar";
    bar.innerHTML = '<nav class="st-nav">' + config.nav.map(function (link) {
      return '<a href="' + escapeHtml(link[1]) + '">' + escapeHtml(link[0]) + "</a>";
    }).join("") + "</nav>" +
      '<button type="button" class="st-fold" id="st-fold" aria-expanded="true"></button>';
    panel.insertBefore(bar, title);
    bar.querySelector("#st-fold").addEventListener("click", function () { setFolded(!isFolded()); });
    var remembered = window.localStorage && localStorage.getItem(FOLDED_KEY);
    setFolded(remembered === null ? window.matchMedia(PHONE).matches : remembered === "1", true);
  }

  function isFolded() { return panel.classList.contains("st-folded"); }

  function setFolded(folded, quietly) {
    panel.classList.toggle("st-folded", folded);
    var button = panel.querySelector("#st-fold");
    button.textContent = folded ? t("Show the panel") : t("Hide the panel");
    button.setAttribute("aria-expanded", String(!folded));
    if (!quietly && window.localStorage) localStorage.setItem(FOLDED_KEY, folded ? "1" : "0");
  }

  // ---- my location ----
  function addLocateButton() {
    var Locate = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar st-locate");
        var button = L.DomUtil.create("a", "", box);
        button.href = "#";
        button.setAttribute("role", "button");
        button.title = t("My location");
        button.setAttribute("aria-label", t("My location"));
        // A drawn crosshair: a font's ⌖ is missing on many phones.
        button.innerHTML = '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2">' +
          '<circle cx="12" cy="12" r="7"/><circle cx="12" cy="12" r="2" fill="currentColor"/><path d="M12 1v4M12 19v4M1 12h4M19 12h4"/></svg>';
        L.DomEvent.on(button, "click", function (e) { L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e); locate(); });
        return box;
      }
    });
    new Locate().addTo(map);
  }

  function nearbyList() {
    var list = panel.querySelector("#st-nearby");
    if (!list) {
      list = document.createElement("section");
      list.id = "st-nearby";
      list.className = "st-nearby";
      panel.querySelector(".st-panel-bar").insertAdjacentElement("afterend", list);
    }
    return list;
  }

  function locate() {
    var list = nearbyList();
    list.innerHTML = '<p class="st-note">' + escapeHtml(t("Finding your position…")) + "</p>";
    setFolded(false, true);
    if (!navigator.geolocation) { failed(); return; }
    navigator.geolocation.getCurrentPosition(found, failed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  }

  function failed() {
    nearbyList().innerHTML = '<p class="st-note">' + escapeHtml(t("Your position could not be found: allow location for this site, outdoors if you can.")) + "</p>";
  }

  function found(position) {
    var at = L.latLng(position.coords.latitude, position.coords.longitude);
    if (here) here.remove();
    here = L.layerGroup([
      L.circle(at, { radius: position.coords.accuracy, weight: 1, color: "#1565c0", fillOpacity: 0.08, interactive: false }),
      L.marker(at, { icon: L.divIcon({ className: "st-me", iconSize: [18, 18] }), keyboard: false, title: t("My location") })
        .bindTooltip(t("My location") + " · " + t("Accuracy") + " " + distance(position.coords.accuracy))
    ]).addTo(map);
    map.setView(at, Math.max(map.getZoom(), 18), { animate: false });
    // On a phone the panel opens over the lower half: the position goes in the upper half.
    if (window.matchMedia(PHONE).matches) map.panBy([0, panel.offsetHeight / 2], { animate: false });
    fetch(fill(config.api.nearest, { lon: at.lng, lat: at.lat }), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) { showNearby(answer); });
  }

  function showNearby(answer) {
    var list = nearbyList();
    if (answer.error) { list.innerHTML = '<p class="st-note">' + escapeHtml(answer.error.message) + "</p>"; return; }
    if (!answer.trees.length) { list.innerHTML = '<p class="st-note">' + escapeHtml(t("No tree near here.")) + "</p>"; return; }
    list.innerHTML = "<h2>" + escapeHtml(t("Trees near you")) + "</h2><ol>" + answer.trees.map(function (tree, index) {
      var inspect = config.inspect_page
        ? ' <a class="st-inspect" href="' + escapeHtml(fill(config.inspect_page, { code: tree.code })) + '">' + escapeHtml(t("Inspect")) + "</a>"
        : "";
      return '<li><button type="button" class="link" data-index="' + index + '"><span class="code">' + escapeHtml(tree.code) +
        "</span> " + escapeHtml(tree.species || t("unknown")) + "</button> · " + escapeHtml(distance(tree.metres)) + inspect + "</li>";
    }).join("") + "</ol>";
    list.querySelectorAll("button[data-index]").forEach(function (button) {
      button.addEventListener("click", function () {
        var tree = answer.trees[Number(button.dataset.index)];
        var at = L.latLng(tree.lat, tree.lon);
        map.setView(at, Math.max(map.getZoom(), 19));
        if (window.matchMedia(PHONE).matches) setFolded(true, true);
        showTree(tree.code, at);
      });
    });
  }

  function install(leafletMap, pageConfig, helpers) {
    map = leafletMap;
    config = pageConfig;
    t = helpers.t;
    escapeHtml = helpers.escapeHtml;
    showTree = helpers.showTree;
    panel = helpers.panel;
    addHeader();
    addLocateButton();
  }

  return { install: install };
})();
