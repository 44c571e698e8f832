// Photos taken in the field app: made smaller on the phone before they are kept offline (an
// outbox of full-size photos would fill a phone and take minutes to send on a weak signal).
(function () {
  "use strict";
  var MAX_SIDE = 1600;            // pixels on the long side, as the server keeps them
  var QUALITY = 0.8;
  var MAX_BYTES = 2 * 1024 * 1024; // a photo still larger after shrinking is refused

  function decode(file) {
    if (window.createImageBitmap) return createImageBitmap(file, { imageOrientation: "from-image" });
    return new Promise(function (resolve, reject) {
      var image = new Image(), url = URL.createObjectURL(file);
      image.onload = function () { URL.revokeObjectURL(url); resolve(image); };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image")); };
      image.src = url;
    });
  }

  // A JPEG of at most MAX_SIDE pixels; rejects with "not_image" or "too_large".
  function shrink(file) {
    return decode(file).catch(function () { throw new Error("not_image"); }).then(function (image) {
      var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(image.width * scale);
      canvas.height = Math.round(image.height * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
    }).then(function (blob) {
      if (!blob) throw new Error("not_image");
      if (blob.size > MAX_BYTES) throw new Error("too_large");
      return blob;
    });
  }

  function sizeText(bytes) { return Math.max(1, Math.round(bytes / 1024)) + " KB"; }

  window.FieldPhotos = { shrink: shrink, sizeText: sizeText, MAX_BYTES: MAX_BYTES };
})();
