/* papernotes: the header search box on Pagefind's index (`search: pagefind`, see mkdocs_plugin/pagefind.py).

   Material writes its search box only when its search plugin is on, so this
   script makes the same markup (Material's classes, so Material's CSS places
   and styles it, light and dark, phone and desktop) without Material's
   data-md-component attributes, which would make Material's own search code
   take it over. Pagefind (its scripts, WebAssembly and index metadata: 146 KB
   gzipped at 2,000 posts) is loaded when the reader reaches for the search: the
   pointer over the box or its button, a tap, focus, or the `/`, `s`, `f` keys; never at
   page load or idle, which would charge it to every reader who never searches.
   Each query then fetches only the index chunks it needs.
   Everything a record holds is put in as text; an excerpt keeps only <mark>. */
(function () {
  "use strict";

  var config = {};
  try { config = JSON.parse(document.getElementById("__config").textContent); } catch (e) { /* defaults below */ }
  var texts = config.translations || {};
  var root = new URL((config.base || ".") + "/", location.href);
  var PAGE = 10; // results shown at once; more as the list scrolls
  var DEBOUNCE = 50; // ms without a key before searching: keys typed in a burst make one search
  var TYPES = { post: "Post", paper: "Paper", topic: "Topic", page: "Page" };
  var UNAVAILABLE = "Search is not available on this copy of the site";
  var ICONS = {
    magnify: "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5",
    back: "M20 11v2H8l5.5 5.5-1.42 1.42L4.16 12l7.92-7.92L13.5 5.5 8 11z",
    close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z"
  };

  function icon(name) {
    return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="' + ICONS[name] + '"/></svg>';
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // Material's partials/search.html, less what binds it to Material's search code.
  function build(header) {
    var button = el("label", "md-header__button md-icon");
    button.htmlFor = "__search";
    button.innerHTML = icon("magnify");
    var box = el("div", "md-search pn-search");
    box.setAttribute("role", "dialog");
    box.innerHTML =
      '<label class="md-search__overlay" for="__search"></label>' +
      '<div class="md-search__inner" role="search">' +
      '<form class="md-search__form" name="search">' +
      '<input type="text" class="md-search__input" name="query" autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false" required>' +
      '<label class="md-search__icon md-icon" for="__search">' + icon("magnify") + icon("back") + "</label>" +
      '<nav class="md-search__options" aria-label="Search"><button type="reset" class="md-search__icon md-icon" title="Clear" aria-label="Clear" tabindex="-1">' + icon("close") + "</button></nav>" +
      "</form>" +
      '<div class="md-search__output"><div class="md-search__scrollwrap" tabindex="0">' +
      '<div class="pn-search__filters" hidden>' +
      '<select data-pn-filter="type" aria-label="Page type"></select>' +
      '<select data-pn-filter="topic" aria-label="Topic"></select>' +
      '<select data-pn-filter="year" aria-label="Year"></select></div>' +
      '<div class="md-search-result"><div class="md-search-result__meta"></div>' +
      '<ol class="md-search-result__list" role="presentation"></ol></div>' +
      "</div></div></div>";
    var input = box.querySelector("input");
    input.placeholder = "Search";
    input.setAttribute("aria-label", "Search");
    var source = header.querySelector(".md-header__source");
    header.insertBefore(button, source);
    header.insertBefore(box, source);
    return box;
  }

  // Pagefind's excerpt is the record's text with `<` and `>` escaped, nothing else (a `&` is
  // as written), and the query's words in <mark>: read back as that text, never parsed as HTML.
  function excerpt(html, title) {
    var marked = false, parts = [];
    html.split(/(<\/?mark>)/).forEach(function (part) {
      if (part === "<mark>" || part === "</mark>") marked = part === "<mark>";
      else if (part) parts.push({ text: part.replace(/&lt;/g, "<").replace(/&gt;/g, ">"), marked: marked });
    });
    // A record's text starts with its title (its <h1>, for ranking): an excerpt from the top
    // would repeat, whole or from a word on, the title shown just above it. Pagefind ends a
    // heading with ". ", or a space when it ends in punctuation already.
    var whole = parts.map(function (part) { return part.text; }).join(""), end = whole.indexOf(". ");
    var skip = title && whole.indexOf(title) === 0 ? title.length + /^\.? ?/.exec(whole.slice(title.length))[0].length
      : end > 0 && title.slice(-end) === whole.slice(0, end) ? end + 2 : 0;
    var p = el("p");
    parts.forEach(function (part) {
      var text = part.text.slice(skip);
      skip = Math.max(0, skip - part.text.length);
      // A word of hundreds of letters (a pasted hash or URL) would fill the list on its own.
      text = text.replace(/\S{60,}/g, function (word) { return word.slice(0, 40) + "…"; });
      if (text) p.appendChild(part.marked ? el("mark", null, text) : document.createTextNode(text));
    });
    return p;
  }

  function setup() {
    var header = document.querySelector(".md-header__inner");
    var toggle = document.getElementById("__search");
    if (!header || !toggle || header.querySelector(".pn-search")) return;
    var box = build(header);
    var form = box.querySelector("form");
    var input = box.querySelector("input");
    var meta = box.querySelector(".md-search-result__meta");
    var list = box.querySelector(".md-search-result__list");
    var scroll = box.querySelector(".md-search__scrollwrap");
    var filterBar = box.querySelector(".pn-search__filters");
    var selects = box.querySelectorAll("[data-pn-filter]");
    var pagefind = null, loading = null, results = [], shown = 0, query = "", runs = 0;

    meta.textContent = texts["search.result.placeholder"] || "Type to start searching";

    function load() {
      if (!loading) {
        loading = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
          pagefind = module;
          return pagefind.options({ excerptLength: 24 });
        }).then(function () {
          // Starts fetching the WebAssembly and the index metadata; not awaited, but its failure is said.
          pagefind.init().catch(function () { meta.textContent = UNAVAILABLE; });
          return pagefind;
        });
        loading.catch(function () { meta.textContent = UNAVAILABLE; });
      }
      return loading;
    }

    var LABELS = { type: "All types", topic: "All topics", year: "All years" };
    selects.forEach(function (select) { select.appendChild(el("option", null, LABELS[select.dataset.pnFilter])).value = ""; });

    // The filters' values (tens of kilobytes at a few thousand pages) are fetched
    // when the reader first reaches for a filter, not for every search.
    function fillFilters() {
      if (filterBar.dataset.asked) return;
      filterBar.dataset.asked = "1";
      load().then(function () { return pagefind.filters(); }).then(function (available) {
        selects.forEach(function (select) {
          var name = select.dataset.pnFilter;
          var values = Object.keys(available[name] || {});
          values.sort(name === "year" ? function (a, b) { return b.localeCompare(a); } : function (a, b) { return a.localeCompare(b); });
          values.forEach(function (value) {
            select.appendChild(el("option", null, name === "type" ? TYPES[value] || value : value)).value = value;
          });
        });
      }).catch(function () { delete filterBar.dataset.asked; }); // asked again next time
    }

    function filters() {
      var chosen = {};
      selects.forEach(function (select) { if (select.value) chosen[select.dataset.pnFilter] = select.value; });
      return chosen;
    }

    function search() {
      query = input.value.trim();
      var run = ++runs;
      if (!query) {
        list.textContent = "";
        meta.textContent = texts["search.result.placeholder"] || "Type to start searching";
        return;
      }
      var term = exact(query), options = { filters: filters() };
      // Pagefind fetches the query's index chunks at once, and searches once typing pauses. Not
      // its debouncedSearch, which leaves that early fetch's failure (an unreadable index) uncaught.
      // A chunk missing altogether Pagefind only logs: its search answers as if no page had the word.
      load().then(function () {
        pagefind.preload(term, options).catch(function () { /* the search fails too, and says so */ });
        return new Promise(function (resolve) { setTimeout(resolve, DEBOUNCE); });
      }).then(function () {
        return run === runs ? pagefind.search(term, options) : null;
      }).then(function (found) {
        if (!found || run !== runs) return; // a newer query is on its way
        results = found.results;
        shown = 0;
        list.textContent = "";
        var count = results.length;
        meta.textContent = count === 0 ? texts["search.result.none"] || "No matching documents"
          : count === 1 ? texts["search.result.one"] || "1 matching document"
          : (texts["search.result.other"] || "# matching documents").replace("#", count);
        filterBar.hidden = false;
        more(run);
      }).catch(function () { broken(run); });
    }

    // An index Pagefind cannot read, or excerpt files missing: said, and nothing of an earlier query left showing.
    function broken(run) {
      if (run !== runs) return;
      results = [];
      shown = 0;
      list.textContent = "";
      filterBar.hidden = true;
      meta.textContent = UNAVAILABLE;
    }

    // Pagefind splits `2309.17453` at the dot and finds each part alone (any id of the same
    // month, or a topic's "1 post"): a whole arXiv id is searched as the one word it is indexed
    // as, without a version (`v2`), which records do not carry. Whole: five digits after the
    // dot, or four before 2015 (`1412.6980`); `2309.1745` is still being typed.
    function exact(text) {
      var id = /^((?:arxiv:)?(\d{4})\.(\d{4,5}))(?:v\d+)?$/i.exec(text);
      return id && (id[3].length === 5 || Number(id[2]) < 1501) ? '"' + id[1] + '"' : text;
    }

    function more(run) {
      var batch = results.slice(shown, shown + PAGE);
      shown += batch.length;
      // Fetched together, shown in order as each arrives: the first result need not wait for the tenth.
      return batch.map(function (result) {
        var data = result.data();
        data.catch(function () { /* met in order below */ });
        return data;
      }).reduce(function (shownSoFar, data) {
        return shownSoFar.then(function () { return data; }).then(function (item) {
          if (run === runs) list.appendChild(render(item));
        });
      }, Promise.resolve()).catch(function () { broken(run); }); // an excerpt file missing
    }

    function render(item) {
      // The record's own address (site-relative), not the path of the document Pagefind indexed.
      var url = new URL(item.meta.href || "", root);
      url.searchParams.set("h", query);
      var li = el("li", "md-search-result__item");
      var link = el("a", "md-search-result__link");
      link.href = url.href;
      link.tabIndex = -1;
      var article = el("article", "md-search-result__article md-typeset");
      article.appendChild(el("h1", null, item.meta.title || url.pathname));
      article.appendChild(excerpt(item.excerpt || "", item.meta.title || ""));
      var tags = el("nav", "md-tags");
      tags.appendChild(el("span", "md-tag pn-search__type", TYPES[item.meta.type] || "Page"));
      var details = [item.meta.authors, (item.meta.date || "").slice(0, 10)].filter(Boolean).join(" · ");
      if (details) tags.appendChild(el("span", "pn-search__details", details));
      article.appendChild(tags);
      link.appendChild(article);
      li.appendChild(link);
      return li;
    }

    function links() { return Array.prototype.slice.call(list.querySelectorAll(".md-search-result__link")); }

    function open() {
      if (!toggle.checked) toggle.checked = true;
      load();
    }

    function close() {
      toggle.checked = false;
      input.blur();
    }

    input.addEventListener("focus", open);
    // The reader is about to search: load Pagefind while the pointer travels, the finger lifts or the box opens.
    [header.querySelector('label.md-header__button[for="__search"]'), box.querySelector(".md-search__inner")].forEach(function (target) {
      ["pointerenter", "pointerdown"].forEach(function (type) { target.addEventListener(type, load, { once: true }); });
    });
    list.addEventListener("click", function (event) { if (event.target.closest("a")) toggle.checked = false; });
    input.addEventListener("input", search);
    selects.forEach(function (select) { select.addEventListener("change", search); });
    filterBar.addEventListener("pointerdown", fillFilters);
    filterBar.addEventListener("focusin", fillFilters);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(search); input.focus(); });
    toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
    scroll.addEventListener("scroll", function () {
      if (shown < results.length && scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 16) more(runs);
    });

    // Keys as in Material's search: up and down walk the results, enter opens one, escape closes.
    document.addEventListener("keydown", function (event) {
      var active = document.activeElement;
      if (!toggle.checked) {
        var typing = active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
        if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey && (event.key === "/" || event.key === "s" || event.key === "f")) {
          event.preventDefault();
          open();
          input.focus();
          input.select();
        }
        return;
      }
      var items = links();
      var at = items.indexOf(active);
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (event.key === "Enter" && active === input) {
        event.preventDefault();
        if (items.length) items[0].click();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length || (active !== input && at < 0)) return;
        event.preventDefault();
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) { input.focus(); return; }
        if (next >= items.length) next = items.length - 1;
        items[next].focus();
        if (next >= shown - 2 && shown < results.length) more(runs);
      }
    });
  }

  // On the page a result opened: mark the words searched for, as Material's search highlight does.
  function highlight() {
    var terms = (new URLSearchParams(location.search).get("h") || "").toLowerCase().split(/\s+/).filter(function (t) { return t.length > 1; });
    var content = document.querySelector(".md-content");
    if (!terms.length || !content) return;
    var source = "(" + terms.map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")";
    var pattern = new RegExp(source, "gi"), found = new RegExp(source, "i");
    var walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest("script, style, mark, .md-search") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) if (found.test(walker.currentNode.nodeValue)) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var parts = node.nodeValue.split(pattern);
      var fragment = document.createDocumentFragment();
      parts.forEach(function (part, i) {
        if (part) fragment.appendChild(i % 2 ? el("mark", "pn-highlight", part) : document.createTextNode(part));
      });
      node.parentNode.replaceChild(fragment, node);
    });
  }

  // With Material's instant navigation the header stays and only the content is swapped:
  // Material's document$ says when, and the words are marked on each page opened.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { setup(); highlight(); });
  } else {
    setup();
    highlight();
  }
})();
