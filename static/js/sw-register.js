/* Register the service worker (config/pwa.py serves it at /sw.js, scope "/"). */
(function () {
  "use strict";
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    // Signing out forgets the pages kept for offline use: they show the account's
    // name (and the event page its team), which the next person on a shared
    // phone must not see.
    document.addEventListener("submit", function (e) {
      var form = e.target;
      if (form.hasAttribute("data-logout") && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget-pages");
      }
    });
  }
})();
