// On the sign-in page, nobody is signed in on this browser: the copies of seedling-lot pages the
// service worker kept for offline use (a staff member's ledgers, counterparties) are removed, so
// a shared phone does not show them to the next person. Events still waiting in the phone's
// outbox are kept: they are the last copy of work not yet sent.
(function () {
  if (!("caches" in window)) return;
  caches.keys().then(function (names) {
    names.forEach(function (name) {
      caches.open(name).then(function (cache) {
        cache.keys().then(function (requests) {
          requests.forEach(function (request) {
            if (/^\/l\//.test(new URL(request.url).pathname)) cache.delete(request);
          });
        });
      });
    });
  });
})();
