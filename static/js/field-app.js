// The field app: keeps an area's trees in IndexedDB, records inspections and new trees with
// ids made on the phone, and sends them when the network returns (each exactly once: the
// server answers a replay with "duplicate"). Works offline once loaded (service worker).
(function () {
  "use strict";
  var root = document.getElementById("field-app");
  if (!root) return;
  var T = window.FIELD_TEXT || {};
  var db, current = null, position = null;

  function say(key, values) {
    var text = T[key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }
  function $(id) { return document.getElementById(id); }

  // ---- IndexedDB: trees of the area, the outbox, small settings ----
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("smarttrees-field", 2);
      request.onupgradeneeded = function (event) {
        var d = request.result;
        if (event.oldVersion < 1) {
          d.createObjectStore("trees", { keyPath: "code" });
          d.createObjectStore("outbox", { keyPath: "client_id" });
          d.createObjectStore("meta", { keyPath: "key" });
        }
        if (event.oldVersion < 2) d.createObjectStore("photos", { keyPath: "client_id" });  // blobs
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(name, mode, work) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(name, mode), result;
      var request = work(tx.objectStore(name));
      if (request) request.onsuccess = function () { result = request.result; };
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = function () { reject(tx.error); };
    });
  }
  function get(name, key) { return store(name, "readonly", function (s) { return s.get(key); }); }
  function all(name) { return store(name, "readonly", function (s) { return s.getAll(); }); }
  function put(name, value) { return store(name, "readwrite", function (s) { return s.put(value); }); }
  function remove(name, key) { return store(name, "readwrite", function (s) { return s.delete(key); }); }
  function meta(key) { return get("meta", key).then(function (row) { return row ? row.value : null; }); }
  function setMeta(key, value) { return put("meta", { key: key, value: value }); }

  // ---- state shown to the user ----
  function showNetwork() { $("net-state").textContent = navigator.onLine ? say("online") : say("offline"); }
  function showOutbox() {
    return all("outbox").then(function (rows) {
      $("outbox-state").textContent = say("waiting", { n: rows.length });
      var list = $("rejected");
      list.innerHTML = "";
      var refused = rows.filter(function (r) { return r.error; });
      list.hidden = !refused.length;
      refused.forEach(function (r) { list.appendChild(rejectedItem(r)); });
    });
  }

  // ---- a record the server refused: shown on top, with why, to fix and send again or drop ----
  var EDITABLE = { inspection: ["dbh_cm", "height_m", "crown_m", "condition", "notes", "inspected_at"], tree: ["code", "dbh_cm"] };
  var NUMBERS = ["dbh_cm", "height_m", "crown_m"];
  function esc(value) { return String(value === null || value === undefined ? "" : value).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function label(name) { return (T.fields || {})[name] || name; }
  function rejectedItem(record) {
    var item = document.createElement("li");
    item.className = "card rejected-record";
    var details = record.error.details || {};
    item.innerHTML = "<h3>" + esc(say("rejected")) + ": " + esc(say(record.type === "tree" ? "new_tree" : "inspection")) +
      ' <span class="code">' + esc(record.code || "") + "</span></h3><p>" + esc(record.error.message || "") + "</p><ul>" +
      Object.keys(details).map(function (name) { return "<li><b>" + esc(label(name)) + "</b>: " + esc(details[name]) + "</li>"; }).join("") +
      "</ul>" + (record.photo ? "<p>" + esc(say("photo_kept", { size: window.FieldPhotos.sizeText(record.photo.bytes) })) + "</p>" : "") +
      fixForm(record) + '<button type="button" class="secondary" data-act="drop">' + esc(say("drop")) + "</button>";
    item.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); resend(record, e.target); });
    item.querySelector('[data-act="drop"]').addEventListener("click", function () {
      if (window.confirm(say("drop_confirm"))) forget(record).then(showOutbox);
    });
    return item;
  }
  function fixForm(record) {
    return '<form class="fix">' + EDITABLE[record.type].map(function (name) {
      var value = record[name] === undefined || record[name] === null ? "" : String(record[name]);
      if (name === "condition") {
        var options = ["", "good", "fair", "poor", "dead"].map(function (c) {
          return '<option value="' + c + '"' + (c === value ? " selected" : "") + ">" + esc(c ? T.conditions[c] : "—") + "</option>";
        }).join("");
        return "<label>" + esc(label(name)) + ' <select name="condition">' + options + "</select></label>";
      }
      if (name === "inspected_at") {
        return "<label>" + esc(label(name)) + ' <input type="datetime-local" name="inspected_at" value="' + esc(localTime(value)) + '"></label>';
      }
      var decimal = NUMBERS.indexOf(name) >= 0;
      return "<label>" + esc(label(name)) + ' <input name="' + name + '" value="' + esc(decimal ? value.replace(".", ",") : value) + '"' +
        (decimal ? ' inputmode="decimal"' : "") + "></label>";
    }).join("") + '<button type="submit">' + esc(say("resend")) + "</button></form>";
  }
  function localTime(iso) {  // "2026-11-26T13:27" in the phone's own time zone
    var when = iso ? new Date(iso) : null;
    if (!when || isNaN(when)) return "";
    return new Date(when.getTime() - when.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }
  function resend(record, form) {
    EDITABLE[record.type].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (name === "inspected_at" && value) value = new Date(value).toISOString();
      record[name] = value === "" ? undefined : NUMBERS.indexOf(name) >= 0 ? value.replace(",", ".") : value;
    });
    delete record.error;
    var shown = record.type === "inspection" ? applyToTree(record) : Promise.resolve();
    return shown.then(function () { return put("outbox", record); }).then(function () {
      return current ? openTree(current.code) : null;
    }).then(showOutbox).then(sync);
  }
  function forget(record) {
    return remove("outbox", record.client_id).then(function () { return remove("photos", record.client_id); });
  }
  function flash(text) { var box = $("sync-message"); box.textContent = text; box.hidden = false; }
  function showArea() {
    return meta("area").then(function (area) {
      if (!area) $("area-box").open = true;  // nothing kept yet: choose the area first
      $("area-state").textContent = area ? say("area", { n: area.count, name: area.name }) : "—";
    });
  }
  function fillSpecies() {
    return meta("species").then(function (species) {
      var box = $("new-species");
      box.innerHTML = '<option value="">—</option>' + (species || []).map(function (s) {
        return '<option value="' + s.id + '">' + s.label.replace(/</g, "&lt;") + "</option>";
      }).join("");
    });
  }

  // ---- network: token, download, sync ----
  function csrf() { var tag = document.querySelector('meta[name="csrf-token"]'); return tag ? tag.content : ""; }
  function token() {
    return meta("token").then(function (saved) {
      if (saved) return saved;
      return fetch(root.dataset.tokenUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ device: navigator.userAgent.slice(0, 60) })
      }).then(function (r) { return r.json(); }).then(function (body) {
        return setMeta("token", body.token).then(function () { return body.token; });
      });
    });
  }
  function download() {
    var box = $("area-commune"), id = box.value, name = box.options[box.selectedIndex].text;
    $("area-state").textContent = say("downloading");
    return fetch(root.dataset.treesUrl + "?commune_id=" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        return store("trees", "readwrite", function (s) {
          s.clear();
          body.trees.forEach(function (tree) { s.put(tree); });
        }).then(function () {
          return Promise.all([setMeta("area", { id: id, name: name, count: body.trees.length, at: new Date().toISOString() }),
            setMeta("species", body.species)]);
        });
      })
      .then(showArea).then(fillSpecies).then(token);
  }
  var syncing = false;
  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return all("outbox").then(function (records) {
      // A refused record waits for the user to fix or drop it: sent as it is, it would be
      // refused again.
      records = records.filter(function (r) { return !r.error; });
      if (!records.length) return null;
      var plain = records.filter(function (r) { return !r.photo; });
      var pictured = records.filter(function (r) { return r.photo; });
      return token().then(function (bearer) {
        // Records without a photo go together; each photo goes with its own record.
        var tally = { done: 0, conflicts: 0, refused: 0, photos: 0 };
        var sent = plain.length ? send(bearer, plain, JSON.stringify({ records: plain }), "application/json", tally) : Promise.resolve();
        return pictured.reduce(function (chain, record) {
          return chain.then(function () { return sendWithPhoto(bearer, record, tally); });
        }, sent).then(function () { report(tally); });
      });
    }).catch(function () { /* still offline or the server is unreachable: try again later */ })
      .then(function () { syncing = false; return showOutbox(); });
  }
  function send(bearer, records, body, type, tally) {
    var headers = { Authorization: "Bearer " + bearer };
    if (type) headers["Content-Type"] = type;
    return fetch(root.dataset.syncUrl, { method: "POST", headers: headers, body: body })
      .then(function (r) { return r.json(); })
      .then(function (reply) { return settle(records, reply.results || [], tally); });
  }
  function sendWithPhoto(bearer, record, tally) {
    return get("photos", record.client_id).then(function (kept) {
      var form = new FormData();
      form.append("records", JSON.stringify([record]));
      if (kept) form.append("photo:" + record.client_id, kept.blob, record.client_id + ".jpg");
      return send(bearer, [record], form, null, tally);
    });
  }
  // Each answer counted into the sync's tally; what the phone shows follows the server.
  function settle(records, results, tally) {
    var byId = {};
    records.forEach(function (r) { byId[r.client_id] = r; });
    return Promise.all(results.map(function (result) {
      var record = byId[result.client_id];
      if (!record) return null;
      if (result.status === "created" || result.status === "duplicate") {
        tally.done++;
        if (result.conflict) tally.conflicts++;
        if (result.photo_error) tally.photos++;
        return forget(record);
      }
      tally.refused++;
      record.error = result.error;
      return Promise.resolve(restoreTree(record)).then(function () {
        return get("outbox", record.client_id);
      }).then(function (still) {  // not dropped meanwhile
        return still ? put("outbox", record) : null;
      });
    })).then(function () { if (current) return openTree(current.code); return null; });
  }
  function report(tally) {
    var parts = [];
    if (tally.done) parts.push(say("synced", { n: tally.done }) + (tally.conflicts ? " " + say("conflict") : ""));
    if (tally.photos) parts.push(say("photo_refused"));
    if (tally.refused) parts.push(say("refused", { n: tally.refused }));
    if (parts.length) flash(parts.join(" "));
  }

  // ---- trees on the phone ----
  function normalize(code) { return code.toUpperCase().replace(/[\s.\-_]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1"); }
  function row(label, value) { return value === null || value === undefined || value === "" ? "" : "<dt>" + label + "</dt><dd>" + String(value).replace(/</g, "&lt;") + "</dd>"; }
  function openTree(code) {
    return get("trees", normalize(code)).then(function (tree) {
      var card = $("tree-card");
      card.hidden = false;
      current = tree || null;
      $("inspect-form").hidden = !tree;
      if (!tree) { card.textContent = say("not_here"); return; }
      card.innerHTML = '<h2 class="code">' + tree.code + '</h2><dl class="facts">' +
        row(T.species, tree.species) + row(T.dbh, decimal(tree.dbh_cm)) + row(T.height, decimal(tree.height_m)) +
        row(T.condition, (T.conditions || {})[tree.condition] || tree.condition) + "</dl>";
    });
  }
  function decimal(value) { return value === null || value === undefined ? value : String(value).replace(".", T.decimal || "."); }
  function numberField(form, name) { var v = form.elements[name] && form.elements[name].value.trim(); return v ? v.replace(",", ".") : undefined; }
  function newRecord(type, extra) {
    var record = Object.assign({ client_id: crypto.randomUUID(), type: type, recorded_at: new Date().toISOString() }, extra);
    if (position) { record.lat = position.latitude; record.lon = position.longitude; record.accuracy_m = Math.round(position.accuracy); }
    return record;
  }
  // The photo chosen in a form, made smaller and kept beside its record (none: nothing kept).
  function keepPhoto(form, record) {
    var input = form.elements.photo, file = input && input.files && input.files[0];
    if (!file) return Promise.resolve(record);
    return window.FieldPhotos.shrink(file).then(function (blob) {
      record.photo = { bytes: blob.size };
      return put("photos", { client_id: record.client_id, blob: blob }).then(function () { return record; });
    });
  }
  function photoRefused(error) {
    flash(say(error && error.message === "too_large" ? "photo_too_large" : "photo_unreadable"));
  }
  // What an inspection says of the tree is shown on the phone's copy at once; a refusal puts
  // back what the copy held before.
  function applyToTree(record) {
    return get("trees", record.code).then(function (tree) {
      if (!tree) return null;
      var before = record.local_before || { dbh_cm: tree.dbh_cm, height_m: tree.height_m, condition: tree.condition };
      record.local_before = before;
      return put("trees", Object.assign(tree, {
        dbh_cm: record.dbh_cm || before.dbh_cm, height_m: record.height_m || before.height_m,
        condition: record.condition || before.condition
      }));
    });
  }
  function restoreTree(record) {
    if (record.type !== "inspection" || !record.local_before) return null;
    return get("trees", record.code).then(function (tree) {
      return tree ? put("trees", Object.assign(tree, record.local_before)) : null;
    });
  }
  // The server's ranges, checked on the phone: a record it would refuse is not kept.
  function outOfRange(form) {
    var wrong = null;
    Object.keys(T.limits || {}).forEach(function (name) {
      var input = form.elements[name], value = numberField(form, name);
      if (!input) return;
      var bad = value !== undefined && !(Number(value) > T.limits[name].low && Number(value) <= T.limits[name].high);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      if (bad && !wrong) wrong = T.limits[name].message;
    });
    if (wrong) flash(say("out_of_range") + " " + wrong);
    return !!wrong;
  }
  function saveInspection(event) {
    event.preventDefault();
    if (!current) return;
    var form = event.target;
    if (outOfRange(form)) return;
    var record = newRecord("inspection", {
      code: current.code, inspected_at: new Date().toISOString(), base_updated_at: current.updated_at,
      dbh_cm: numberField(form, "dbh_cm"), circumference_cm: numberField(form, "circumference_cm"),
      height_m: numberField(form, "height_m"), crown_m: numberField(form, "crown_m"),
      condition: form.elements.condition.value || undefined, notes: form.elements.notes.value || undefined
    });
    // GPS is where the inspector stood: kept with the inspection, the tree is not moved.
    return keepPhoto(form, record).then(function () {
      return applyToTree(record);
    }).then(function () { return put("outbox", record); }).then(function () {
      form.reset();
      flash(say("saved"));
      return openTree(current.code);
    }).then(showOutbox).then(sync, photoRefused);
  }
  function saveNewTree(event) {
    event.preventDefault();
    var form = event.target;
    if (outOfRange(form)) return;
    var record = newRecord("tree", {
      code: normalize(form.elements.code.value), species_id: form.elements.species_id.value,
      category: form.elements.category.value, dbh_cm: numberField(form, "dbh_cm")
    });
    return keepPhoto(form, record).then(function () { return put("outbox", record); })
      .then(function () { form.reset(); flash(say("saved")); })
      .then(showOutbox).then(sync, photoRefused);
  }

  function watchPosition() {
    if (!navigator.geolocation) return;
    $("gps-state").textContent = say("no_gps");
    navigator.geolocation.watchPosition(function (p) {
      position = p.coords;
      $("gps-state").textContent = say("gps", { m: Math.round(p.coords.accuracy) });
    }, function () {}, { enableHighAccuracy: true, maximumAge: 10000 });
  }

  openDb().then(function (opened) {
    db = opened;
    showNetwork();
    window.addEventListener("online", function () { showNetwork(); sync(); });
    window.addEventListener("offline", showNetwork);
    $("area-download").addEventListener("click", download);
    $("sync-now").addEventListener("click", sync);
    $("open-form").addEventListener("submit", function (e) { e.preventDefault(); openTree($("open-code").value); });
    $("inspect-form").addEventListener("submit", saveInspection);
    $("new-tree-form").addEventListener("submit", saveNewTree);
    watchPosition();
    var tagged = location.pathname.match(/^\/t\/([A-Za-z0-9]+)$/);  // a /t/ page opened offline
    return Promise.all([showArea(), fillSpecies(), showOutbox()]).then(function () {
      if (tagged) return openTree(tagged[1]);
      return null;
    }).then(sync);
  });
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(root.dataset.sw, { scope: "/" });
  setInterval(sync, 30000);
})();
