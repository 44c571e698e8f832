// A lot's page on a phone with no signal: the event form is kept in the phone's outbox
// (IndexedDB) and sent to /api/v1/lots/<code>/events when the network returns, each record
// once (its client_id). A record the server refuses stays on the phone with the reason, to be
// dropped or recorded again; nothing is lost silently. The service worker keeps the pages of
// lots already opened, so a label scanned again offline still opens its lot.
(function () {
  var form = document.getElementById("record-event");
  var box = document.getElementById("lot-outbox");
  if (!form || !box) return;
  var T = window.LOT_TEXT || {};
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var db = null, sending = false, counter = 0;

  function say(key, n) { return (T[key] || key).replace("{n}", n); }
  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("smarttrees-lots", 1);
      request.onupgradeneeded = function () { request.result.createObjectStore("outbox", { keyPath: "client_id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(mode, work) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction("outbox", mode), result, request = work(t.objectStore("outbox"));
      if (request) request.onsuccess = function () { result = request.result; };
      t.oncomplete = function () { resolve(result); };
      t.onerror = function () { reject(t.error); };
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(record) { return tx("readwrite", function (s) { return s.put(record); }); }
  function drop(id) { return tx("readwrite", function (s) { return s.delete(id); }); }
  function esc(v) { return String(v == null ? "" : v).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }

  function show() {
    return all().then(function (records) {
      records = records.filter(function (r) { return r.lot === box.dataset.lot; })
        .sort(function (a, b) { return a.seq - b.seq; });
      box.hidden = records.length === 0;
      box.querySelector("[data-count]").textContent = say("waiting", records.length);
      var list = box.querySelector("ul");
      list.innerHTML = "";
      records.forEach(function (r) {
        var item = document.createElement("li");
        item.className = r.error ? "error" : "";
        item.innerHTML = "<b>" + esc((T.kinds || {})[r.body.kind] || r.body.kind) + "</b> " + esc(r.body.quantity) +
          (r.error ? '<br><span class="field-error">' + esc(r.error) + "</span> " +
            '<button type="button" class="link" data-drop>' + esc(T.drop) + "</button>" : "");
        var button = item.querySelector("[data-drop]");
        if (button) button.addEventListener("click", function () { drop(r.client_id).then(show); });
        list.appendChild(item);
      });
    });
  }
  function refusal(body) {
    var error = (body && body.error) || {}, details = error.details || {};
    var parts = Object.keys(details).map(function (k) { return ((T.fields || {})[k] || k) + ": " + details[k]; });
    return parts.join("; ") || error.message || say("refused");
  }
  function sendOne(record) {
    return fetch(box.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf }, body: JSON.stringify(record.body)
    }).then(function (response) {
      if (response.ok) return drop(record.client_id).then(function () { return true; });
      // Not the record's fault (server trouble, a session that ended, a stale form token):
      // it stays pending, unchanged, and goes again next time.
      if (response.status >= 500 || response.status === 401 || response.status === 400) return false;
      return response.json().catch(function () { return {}; }).then(function (body) {
        record.error = refusal(body);
        return put(record).then(function () { return false; });
      });
    }).catch(function () { return false; });  // the network dropped again: try later
  }
  function send() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    var sent = 0;
    return all().then(function (records) {
      // In the order they were recorded: a planting must not arrive before its receipt.
      var pending = records.filter(function (r) { return !r.error && r.lot === box.dataset.lot; })
        .sort(function (a, b) { return a.seq - b.seq; });
      return pending.reduce(function (chain, r) {
        return chain.then(function () { return sendOne(r).then(function (ok) { if (ok) sent++; }); });
      }, Promise.resolve());
    }).then(function () { if (sent) location.reload(); })
      .catch(function () { /* the outbox could not be read: try later */ })
      .then(function () { sending = false; return show(); });
  }
  form.addEventListener("submit", function (event) {
    if (navigator.onLine) return;  // online: the form posts as usual, errors come back on it
    event.preventDefault();
    var body = {};
    new FormData(form).forEach(function (value, name) { if (name !== "csrf_token" && value !== "") body[name] = value; });
    body.client_id = "lot-" + (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()));
    if (!body.occurred_on) body.occurred_at = new Date().toISOString();
    form.reset();  // at once: the next event may be typed while this one is stored
    put({ client_id: body.client_id, lot: box.dataset.lot, seq: Date.now() * 1000 + (++counter % 1000), body: body }).then(function () {
      box.querySelector("[data-saved]").hidden = false;
      return show();
    }).then(function () { box.scrollIntoView({ block: "start" }); });
  });
  // A refused form comes back with its errors: show them, not the top of the page.
  if (form.querySelector(".error-text")) form.scrollIntoView({ block: "start" });
  window.addEventListener("online", send);
  open().then(function (opened) { db = opened; return show(); }).then(send);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(box.dataset.sw, { scope: "/" });
})();
