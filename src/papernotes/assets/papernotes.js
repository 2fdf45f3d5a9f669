/* papernotes: sorting and filtering of the papers index, with no server and no library.
   Rows carry their sort keys and filter text in data- attributes written at build time. */
(function () {
  "use strict";

  function setup(root) {
    var table = root.querySelector("[data-pn-papers]");
    var bar = root.querySelector("[data-pn-papers-filter]");
    if (!table || !bar || table.dataset.pnReady) return;
    table.dataset.pnReady = "1";
    bar.hidden = false;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var text = bar.querySelector('[data-pn-filter="text"]');
    var year = bar.querySelector('[data-pn-filter="year"]');
    var topic = bar.querySelector('[data-pn-filter="topic"]');
    var shown = bar.querySelector("[data-pn-shown]");

    function filter() {
      var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var count = 0;
      rows.forEach(function (row) {
        var ok = words.every(function (w) { return row.dataset.text.indexOf(w) !== -1; }) &&
          (!year.value || row.dataset.year === year.value) &&
          (!topic.value || row.dataset.topics.indexOf("|" + topic.value + "|") !== -1);
        row.hidden = !ok;
        if (ok) count += 1;
      });
      shown.textContent = count + (count === 1 ? " paper" : " papers");
    }

    function sort(button) {
      var key = button.dataset.pnSort;
      var descending = button.getAttribute("aria-sort") !== "descending";
      table.querySelectorAll("[data-pn-sort]").forEach(function (b) { b.removeAttribute("aria-sort"); });
      button.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var numeric = key !== "title";
      rows.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var order = numeric ? (Number(x) || 0) - (Number(y) || 0) : x.localeCompare(y);
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }

    [text, year, topic].forEach(function (el) { el.addEventListener("input", filter); });
    table.querySelectorAll("[data-pn-sort]").forEach(function (button) {
      button.addEventListener("click", function () { sort(button); });
    });
  }

  // Material's instant navigation swaps pages without reloading: it announces each through document$.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { setup(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { setup(document); });
  }
})();
