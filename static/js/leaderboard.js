// Open an entrant's score breakdown in place. Without this script the link goes
// to the breakdown's own page; with it, that page's fragment (?fragment=1, HTML
// the server escaped) is loaded once into the row below and shown or hidden.
(function () {
  "use strict";
  function show(link, row, open) {
    row.hidden = !open;
    link.setAttribute("aria-expanded", open ? "true" : "false");
  }
  document.querySelectorAll("a[data-breakdown]").forEach(function (link) {
    var row = document.getElementById(link.getAttribute("aria-controls"));
    if (!row) return;
    link.addEventListener("click", function (event) {
      // A new tab or window keeps the link's own page.
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      if (link.getAttribute("aria-expanded") === "true") return show(link, row, false);
      if (row.getAttribute("data-loaded")) return show(link, row, true);
      link.setAttribute("aria-busy", "true");
      fetch(link.getAttribute("data-breakdown"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          row.cells[0].innerHTML = html;
          row.setAttribute("data-loaded", "1");
          show(link, row, true);
        })
        .catch(function () { window.location.assign(link.href); })
        .finally(function () { link.removeAttribute("aria-busy"); });
    });
  });
})();
