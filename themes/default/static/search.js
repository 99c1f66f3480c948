// Search page of the websites, over the output's own index (static/search-index.js):
// the first results, their count and the facet counts come from a few index files;
// only the results shown are fetched (and, where the index was not exact, checked
// against their text).
(function () {
  "use strict";

  var PAGE_SIZE = 20;
  var EXCERPT_CHARS = 120;
  var FILTER_LABELS = { category: "分类", section: "责任科室", year: "年份" };

  var resultsBox = document.getElementById("search-results");
  var form = document.getElementById("search-form");
  if (!resultsBox || !form || !window.CatalogueIndex) { return; }
  var root = resultsBox.getAttribute("data-root") || "";
  var siteBase = new URL(root || "./", window.location.href);
  var engine = window.CatalogueIndex.open(new URL("search/", siteBase).href);

  // Safe in text and in quoted attribute values alike.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  function searchLink(query) {
    return "search.html?q=" + encodeURIComponent(query);
  }

  var filterBox = document.createElement("div");
  filterBox.className = "search-filters";
  form.after(filterBox);
  var status = document.createElement("p");
  status.className = "search-status";
  status.setAttribute("role", "status");
  filterBox.after(status);

  function selectedFilters() {
    var filters = {};
    filterBox.querySelectorAll("select").forEach(function (select) {
      if (select.value) { filters[select.name] = select.value; }
    });
    return filters;
  }

  // One select per facet, with counts over every result (upper bounds until verified).
  function buildFilters(search, chosen) {
    var counts = search.facets();
    var about = search.exact ? "" : "约";
    filterBox.innerHTML = "";
    filterBox.hidden = !search.candidates.length;
    Object.keys(FILTER_LABELS).forEach(function (name) {
      var values = Object.keys(counts[name]).sort();
      if (name === "year") { values.reverse(); }
      if (chosen[name] && values.indexOf(chosen[name]) === -1) { values.push(chosen[name]); }
      var label = document.createElement("label");
      label.textContent = FILTER_LABELS[name] + " ";
      var select = document.createElement("select");
      select.name = name;
      select.innerHTML = '<option value="">全部</option>' + values.map(function (v) {
        return '<option value="' + escapeHtml(v) + '"' + (chosen[name] === v ? " selected" : "") + ">" +
          escapeHtml(v) + "（" + about + (counts[name][v] || 0) + "）</option>";
      }).join("");
      select.addEventListener("change", function () { showFiltered(selectedFilters()); });
      label.appendChild(select);
      filterBox.appendChild(label);
    });
  }

  function excerptHtml(doc, words) {
    var found = engine.excerpt(doc, words, EXCERPT_CHARS);
    if (!found) { return escapeHtml(doc.summary); }
    return (found.before ? "…" : "") + found.pieces.map(function (p) {
      return p.mark ? "<mark>" + escapeHtml(p.text) + "</mark>" : escapeHtml(p.text);
    }).join("") + (found.after ? "…" : "");
  }

  function resultHtml(doc, words) {
    var href = new URL(doc.url, siteBase).href;
    return '<li class="result"><a class="result-title" href="' + escapeHtml(href) + '">' +
      escapeHtml(doc.title) + '</a><div class="result-meta">' + escapeHtml(doc.category) + "　索引号 " +
      escapeHtml(doc.index_no) + "　发布日期 " + escapeHtml(doc.date) + "</div><p>" +
      excerptHtml(doc, words) + "</p></li>";
  }

  // Nothing found: the query without its last character, related keywords, and every
  // category with its number of items.
  function suggestionsHtml(query) {
    var hints = engine.suggestions(query);
    var meta = engine.meta();
    var counts = engine.categoryCounts();
    var html = '<div class="search-suggestions">';
    if (hints.shorter) {
      html += '<p>试试：<a href="' + escapeHtml(searchLink(hints.shorter)) + '">' + escapeHtml(hints.shorter) + "</a></p>";
    }
    if (hints.keywords.length) {
      html += "<p>相关主题词：" + hints.keywords.map(function (k) {
        return '<a href="' + escapeHtml(searchLink(k)) + '">' + escapeHtml(k) + "</a>";
      }).join("　") + "</p>";
    }
    html += "<p>按分类浏览：</p><ul>" + meta.categories.map(function (name, k) {
      var page = meta.category_pages[k];
      var label = escapeHtml(name) + "（" + (counts[name] || 0) + "）";
      return "<li>" + (page ? '<a href="' + escapeHtml(new URL(page, siteBase).href) + '">' + label + "</a>" : label) + "</li>";
    }).join("") + "</ul></div>";
    return html;
  }

  var shown = PAGE_SIZE;
  var search = null;
  var listing = null;
  var lastQuery = "";
  var generation = 0;

  function updateUrl(query, filters) {
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
    window.history.replaceState(null, "", "?" + params.toString());
  }

  function render() {
    var mine = generation;
    var current = listing;
    return current.take(shown).then(function (docs) {
      if (mine !== generation) { return; }
      var filters = selectedFilters();
      var narrowed = Object.keys(filters).length;
      var about = current.exact() ? "" : "约 ";
      if (!current.count) {
        status.textContent = narrowed ? "筛选后没有结果（筛选后 0 条）" : "没有找到相关结果，请换个关键词。";
        resultsBox.innerHTML = narrowed ? "" : suggestionsHtml(lastQuery);
        return;
      }
      status.textContent = narrowed ? "找到 " + about + current.count + " 条结果（筛选后）"
        : "找到 " + about + current.count + " 条结果";
      resultsBox.innerHTML = "<ol>" + docs.map(function (d) { return resultHtml(d, search.words); }).join("") + "</ol>";
      if (current.count > docs.length && docs.length >= shown) {
        var more = document.createElement("button");
        more.type = "button";
        more.textContent = "显示更多结果";
        more.addEventListener("click", function () { shown += PAGE_SIZE; render(); });
        resultsBox.appendChild(more);
      }
    });
  }

  function showFiltered(filters) {
    updateUrl(lastQuery, filters);
    generation++;
    listing = search.narrow(filters);
    shown = PAGE_SIZE;
    return render();
  }

  function run(chosen) {
    var query = form.elements.q.value;
    lastQuery = query;
    var mine = ++generation;
    status.textContent = query.trim() ? "正在搜索…" : "";
    return engine.query(query).then(function (found) {
      if (mine !== generation) { return; }  // a newer query is on its way
      if (!found) {
        resultsBox.innerHTML = "";
        filterBox.hidden = true;
        status.textContent = "";
        return;
      }
      search = found;
      var filters = chosen || selectedFilters();
      var showing = showFiltered(filters);  // the first page's files are requested before the facets are counted
      buildFilters(found, filters);
      return showing;
    }).catch(function () {
      if (mine === generation) { status.textContent = "搜索暂时不可用，请稍后再试。"; }
    });
  }

  var timer = null;
  // Enter runs the search at once; the one still waiting for typing to pause would run it
  // again and rebuild the filters under a visitor who has moved on to them.
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    run();
  });
  form.elements.q.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { run(); }, 250);
  });

  var params = new URLSearchParams(window.location.search);
  form.elements.q.value = params.get("q") || "";
  var chosen = {};
  Object.keys(FILTER_LABELS).forEach(function (k) { if (params.get(k)) { chosen[k] = params.get(k); } });
  run(chosen);

  // Every result of ``query``, verified (for tests and tools): [{url, title, tier, …}].
  function searchAll(query) {
    return engine.query(query).then(function (found) {
      if (!found) { return []; }
      var all = found.narrow({});
      return all.take(all.order.length);
    });
  }
  window.catalogueSearch = { searchAll: searchAll, ready: engine.ready, engine: engine };
})();
