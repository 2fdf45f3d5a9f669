/* papernotes: sorting and filtering of the papers index, with no server and no library.
   Rows carry their sort keys and filter text in data- attributes written at build time.
   Also: the active tab on pages outside the nav, and feed links kept from Material's probe. */
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

  // Topic pages, paper pages and posts are outside the nav, so the theme highlights no tab on
  // them: highlight the tab whose address is the longest prefix of the page's (Topics, Papers, Home).
  // Only on papernotes' pages: every address starts with Home's, the 404 page's too.
  var OURS = ".pn-post-header, .pn-listing, .pn-topic-intro, .pn-topics-index, .pn-paper-meta, .pn-papers-filter";
  function markTab(root) {
    var items = Array.prototype.slice.call(root.querySelectorAll(".md-tabs__item"));
    if (!items.length || root.querySelector(".md-tabs__item--active") || !root.querySelector(OURS)) return;
    var here = location.href.split(/[?#]/)[0];
    var best = null, length = -1;
    items.forEach(function (item) {
      var link = item.querySelector("a.md-tabs__link");
      var href = link && link.href.split(/[?#]/)[0];
      if (href && here.indexOf(href) === 0 && href.length > length) { best = item; length = href.length; }
    });
    if (best) best.classList.add("md-tabs__item--active");
  }

  // Material takes every <link rel="alternate"> for a translation of the site and fetches the
  // sitemap.xml beside it: beside a topic's feed (tags/SLUG/feed.xml) there is none, and the
  // request fails. Feed finders read the page's HTML, which keeps rel="alternate"; in the
  // browser, before Material looks (at DOMContentLoaded), feed links stop being alternates.
  Array.prototype.forEach.call(
    document.querySelectorAll('link[rel="alternate"][type="application/rss+xml"], link[rel="alternate"][type="application/atom+xml"]'),
    function (link) { link.rel = "feed"; }
  );

  // Material's instant navigation swaps pages without reloading: it announces each through document$.
  function ready() { setup(document); markTab(document); }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(ready);
  } else {
    document.addEventListener("DOMContentLoaded", ready);
  }
})();
