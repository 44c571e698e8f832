// On a phone a table's rows become cards and its heading row is hidden: each cell then
// carries its column's heading (data-label, shown before the value by the stylesheet).
(function () {
  "use strict";
  document.querySelectorAll("table.rows").forEach(function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!headings.length) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (!cell.hasAttribute("data-label") && headings[index]) cell.setAttribute("data-label", headings[index]);
      });
    });
  });
})();
