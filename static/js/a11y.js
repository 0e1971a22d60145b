/* Accessibility helpers for every page (issue 12, Deliver 6).
 *
 * A table wider than the screen scrolls sideways inside its wrapper
 * (.table-wrap, .table-scroll): a keyboard user can only scroll it if the
 * wrapper takes focus, so a wrapper that overflows becomes a focusable, named
 * region (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
(function () {
  "use strict";
  var WORDS = { vi: "Bảng cuộn ngang", en: "Table, scrolls sideways" };

  function heading(el) {
    var caption = el.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      for (var prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        if (/^(H[1-6]|SUMMARY)$/.test(prev.tagName)) { return prev.textContent.trim(); }
      }
    }
    return "";
  }

  function mark() {
    var word = WORDS[document.documentElement.lang === "en" ? "en" : "vi"];
    document.querySelectorAll(".table-wrap, .table-scroll").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        if (el.getAttribute("tabindex") === null) {
          var name = heading(el);
          el.setAttribute("tabindex", "0");
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", name ? word + ": " + name : word);
        }
      }
    });
  }

  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(mark, 200); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", later);
  // A table in a <details> only has a width once it is opened.
  document.addEventListener("toggle", later, true);
})();
