// The field app's service worker: the app shell from the cache when there is no network,
// /t/<code> pages answered by the app (which finds the tree in IndexedDB) while offline, and
// the pages of seedling lots already opened (/l/<code>), whose form keeps events in the phone's
// outbox until the network returns.
var CACHE = "smarttrees-field-v4";
var SHELL = ["/field", "/static/js/field-app.js", "/static/js/field-photos.js", "/static/js/confirm.js",
  "/static/js/table-labels.js", "/static/js/lot-outbox.js", "/static/css/app.css",
  "/manifest.webmanifest", "/static/icons/tree-192.png"];

function kept(pathname) { return pathname === "/field" || /^\/l\/[A-Za-z0-9]+$/.test(pathname); }

self.addEventListener("install", function (event) {
  // Each file on its own: a nursery's operator may not open /field, and the lot pages' worker
  // must install all the same.
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (path) { return cache.add(path).catch(function () { return null; }); }));
  }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request, fallback) {
  return fetch(request).then(function (response) {
    var pathname = new URL(request.url).pathname;
    if (response.ok && kept(pathname)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(pathname, copy); });
    }
    return response;
  }).catch(function () {
    var pathname = new URL(request.url).pathname;
    return caches.match(pathname).then(function (hit) { return hit || caches.match(fallback); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname.indexOf("/tiles/") === 0) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, "/field"));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) caches.open(CACHE).then(function (cache) { cache.put(url.pathname, response.clone()); });
        return response;
      });
      return hit || fresh;
    }));
  }
});
