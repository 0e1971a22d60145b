/* The jury's before/after comparison: a tap on a pair opens its two photos at full
 * size side by side (stacked on a phone) in a <dialog>; arrow keys switch pairs,
 * Esc closes (the dialog's own behaviour). Without this script each pair's link
 * opens the same comparison on the page (?compare=<n>). Text set with textContent. */
(function () {
  "use strict";
  var node = document.getElementById("compare-config");
  var dialog = document.getElementById("compare-dialog");
  if (!node || !dialog || typeof dialog.showModal !== "function") { return; }
  var cfg = JSON.parse(node.textContent);
  var words = {
    vi: { pair: "So sánh trước – sau · cặp {n}/{total}" },
    en: { pair: "Before and after · pair {n} of {total}" }
  };
  var T = words[(cfg.lang || "vi").slice(0, 2)] || words.vi;
  var pairs = cfg.pairs || [];
  var current = 0;
  var opener = null;
  var title = document.getElementById("compare-dialog-title");

  function fill(side, photo) {
    var img = dialog.querySelector('img[data-side="' + side + '"]');
    var missing = dialog.querySelector('[data-missing="' + side + '"]');
    if (photo) {
      img.src = photo.src;
      img.alt = photo.alt;
      img.width = photo.width;
      img.height = photo.height;
      img.hidden = false;
      missing.hidden = true;
    } else {
      img.removeAttribute("src");
      img.alt = "";
      img.hidden = true;
      missing.hidden = false;
    }
  }

  function show(index) {
    current = (index + pairs.length) % pairs.length;
    var pair = pairs[current];
    fill("before", pair.before);
    fill("after", pair.after);
    title.textContent = T.pair.replace("{n}", current + 1).replace("{total}", pairs.length);
    dialog.querySelector('[data-action="prev"]').disabled = pairs.length < 2;
    dialog.querySelector('[data-action="next"]').disabled = pairs.length < 2;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-compare]") : null;
    if (!link) { return; }
    event.preventDefault();
    opener = link;
    show(parseInt(link.getAttribute("data-compare"), 10) || 0);
    dialog.showModal();
    dialog.querySelector('[data-action="close"]').focus();
  });

  dialog.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-action]") : null;
    if (button) {
      var action = button.getAttribute("data-action");
      if (action === "close") { dialog.close(); }
      if (action === "prev") { show(current - 1); }
      if (action === "next") { show(current + 1); }
    } else if (event.target === dialog) {
      dialog.close(); // a tap on the backdrop
    }
  });

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
    if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
  });

  dialog.addEventListener("close", function () {
    if (opener) { opener.focus(); }
  });
}());
