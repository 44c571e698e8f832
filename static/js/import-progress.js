// While an import is being checked or committed, follow its progress and reload when done.
(function () {
  "use strict";
  var box = document.getElementById("import-state");
  if (!box || ["uploaded", "validating", "committing", "undoing"].indexOf(box.dataset.status) === -1) return;
  var bar = document.getElementById("import-progress"), count = document.getElementById("import-count");
  var step = document.getElementById("import-step");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      if (s.status !== box.dataset.status) { location.reload(); return; }
      if (bar && s.rows_total) { bar.max = s.rows_total; bar.value = s.rows_done; }
      if (count) count.textContent = s.rows_done;
      if (step) step.textContent = (s.step && step.dataset[s.step]) || (s.status === "undoing" ? step.dataset.undoing : "");
      // Once the rows are read the database checks them: the bar has nothing left to count.
      if (bar && s.step && s.step !== "reading") bar.removeAttribute("value");
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
