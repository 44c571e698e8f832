// While an export is being written, follow its progress and reload when it ends.
(function () {
  "use strict";
  var box = document.getElementById("export-state");
  if (!box || ["queued", "running"].indexOf(box.dataset.status) === -1) return;
  var bar = document.getElementById("export-progress"), count = document.getElementById("export-count");
  var step = document.getElementById("export-step");
  var lang = document.documentElement.lang || undefined;
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      if (s.status !== box.dataset.status) { location.reload(); return; }
      if (bar && s.rows_total) { bar.max = s.rows_total; bar.value = s.rows_done; }
      if (count) count.textContent = Number(s.rows_done).toLocaleString(lang);
      if (step) step.textContent = (s.step && step.dataset[s.step]) || "";
      // Once every tree is read GDAL finishes the file (its index): nothing left to count.
      if (bar && s.step === "finishing") bar.removeAttribute("value");
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
