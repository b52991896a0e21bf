// Sortable tables: every <table class="sortable"> header holds a <button> (keyboard: Tab, Enter,
// Space); a click sorts the rows by that column, ascending then descending, and sets aria-sort.
// Cells sort by their data-value (numbers as numbers, missing values last). When the table shows
// only part of its rows (data-complete="false") the button asks the server for the sorted table
// instead, so the rows shown are the first of the whole sorted set. The download links
// (a[data-export]) follow the order, so a download holds what is on screen. No dependencies.
"use strict";

(function () {
  function value(row, index) {
    var cell = row.cells[index];
    if (!cell) return null;
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : null;
    if (raw === null) {
      var text = cell.textContent.trim();
      return text === "–" || text === "" ? null : text;
    }
    var n = Number(raw);
    return raw !== "" && !isNaN(n) ? n : raw;
  }

  function compare(a, b) {
    if (a === null && b === null) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b));
  }

  function follow(table, key, dir) {
    var box = table.parentNode;
    box.querySelectorAll("a[data-export]").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      url.searchParams.set("sort", key);
      url.searchParams.set("dir", dir);
      link.href = url.pathname + url.search;
    });
  }

  function sortBy(table, th, button) {
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > 1; });
    rows.forEach(function (r, i) { r.dataset.order = i; });
    rows.sort(function (a, b) {
      var va = value(a, index), vb = value(b, index), c;
      if (va === null || vb === null) c = compare(va, vb);
      else c = dir === "ascending" ? compare(va, vb) : compare(vb, va);
      return c || a.dataset.order - b.dataset.order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    th.parentNode.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    follow(table, button.dataset.key, dir === "ascending" ? "asc" : "desc");
  }

  function setUp(table) {
    table.querySelectorAll("thead th button.sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var th = button.closest("th");
        if (table.dataset.complete === "false" && button.dataset.href) {
          window.location.href = button.dataset.href;
          return;
        }
        sortBy(table, th, button);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(setUp);
  });
})();
