// Sort a <table class="sortable"> by a column when its header button is pressed.
// Cells carry data-value (a number, or text for data-sort="text"); a second
// press reverses the order. aria-sort tells assistive technology the state.
(function () {
  "use strict";
  function value(row, index, numeric) {
    var cell = row.children[index];
    var raw = cell ? cell.getAttribute("data-value") || "" : "";
    if (!numeric) return raw;
    return raw === "" ? -Infinity : parseFloat(raw);
  }
  function sortBy(table, th, index) {
    var button = th.querySelector("button");
    var numeric = button && button.getAttribute("data-sort") === "number";
    var descending = th.getAttribute("aria-sort") !== "descending";
    if (!numeric) descending = th.getAttribute("aria-sort") === "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index, numeric);
      var y = value(b, index, numeric);
      var order = numeric ? x - y : String(x).localeCompare(String(y), "vi");
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () { sortBy(table, th, index); });
    });
  });
})();
