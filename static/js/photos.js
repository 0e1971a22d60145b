/* Photos: phones' large photos are downscaled before upload (a canvas re-encode
 * also drops their metadata; the server strips it anyway). Used by the report
 * and event pages:  Photos.shrink(file) -> Promise<File>. */
(function () {
  "use strict";
  var MAX_EDGE = 2048;
  function shrink(file) {
    if (!window.createImageBitmap || file.size < 1500000 || !/^image\/(jpeg|png|webp)$/.test(file.type)) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var scale = Math.min(1, MAX_EDGE / Math.max(bmp.width, bmp.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bmp.width * scale);
      canvas.height = Math.round(bmp.height * scale);
      canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob ? new File([blob], "photo.jpg", { type: "image/jpeg" }) : file);
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }
  window.Photos = { shrink: shrink, MAX_EDGE: MAX_EDGE };
})();
