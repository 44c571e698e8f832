// Scan a label with the camera: the browser's own BarcodeDetector where it has one, else the
// ZXing WebAssembly polyfill served by this app. A QR code of this site's /t/, /l/ or /b/
// address (tree, seedling lot, product batch), or a bare code from a Code 128, opens the record.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var text = window.SCAN_TEXT || {};
  if (!box) return;

  function say(message) { status.textContent = message; }

  function makeDetector() {
    var formats = ["qr_code", "code_128"];
    if ("BarcodeDetector" in window) return Promise.resolve(new window.BarcodeDetector({ formats: formats }));
    var api = window.BarcodeDetectionAPI;
    api.prepareZXingModule({
      overrides: {
        locateFile: function (path, prefix) { return path.endsWith(".wasm") ? box.dataset.wasm : prefix + path; }
      }
    });
    return Promise.resolve(new api.BarcodeDetector({ formats: formats }));
  }

  function target(value) {
    var origin = box.dataset.origin.replace(/\/$/, "");
    try {
      var url = new URL(value);
      if (/^\/(t|l|b)\/[A-Za-z0-9]+$/.test(url.pathname)) return origin + url.pathname;
    } catch (e) { /* not a URL: a bare code from a Code 128 */ }
    if (/^[A-Za-z0-9-]{5,12}$/.test(value)) return origin + "/scan?code=" + encodeURIComponent(value);
    return null;
  }

  function loop(detector) {
    detector.detect(video).then(function (found) {
      for (var i = 0; i < found.length; i++) {
        var next = target(found[i].rawValue);
        if (next) { say(text.found); location.href = next; return; }
      }
      setTimeout(function () { loop(detector); }, 200);
    }).catch(function () { setTimeout(function () { loop(detector); }, 400); });
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(text.no_camera); return; }
  navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      return video.play();
    })
    .then(makeDetector)
    .then(function (detector) { say(text.scanning); loop(detector); })
    .catch(function () { say(text.no_camera); });
})();
