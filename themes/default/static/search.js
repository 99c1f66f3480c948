// Search page: Pagefind with complete recall for Chinese substrings.
//
// Each item page carries one ASCII token per pair of adjacent Chinese
// characters (see generator/search.py, which must encode them the same way).
// A query becomes the same tokens, Pagefind returns the pages holding all of
// them, and a page is kept only when its text really contains every query word.
(function () {
  "use strict";

  var ALPHABET = "abcdefghijklmnopqrstuvwxyz";
  var CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var PAGE_SIZE = 20;

  function letters(ch) {
    var code = ch.charCodeAt(0);
    var out = "";
    for (var i = 0; i < 4; i++) {
      out = ALPHABET[code % 26] + out;
      code = Math.floor(code / 26);
    }
    return out;
  }

  // Words of a query: split on white space and on the edges of Chinese runs.
  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // What Pagefind is asked for: bigram tokens for Chinese, other words as typed.
  function terms(query) {
    var out = [];
    words(query).forEach(function (word) {
      var rest = word.replace(CJK_RUN, function (run) {
        if (run.length === 1) { out.push(run); }
        for (var i = 0; i + 1 < run.length; i++) {
          out.push("q" + letters(run[i]) + letters(run[i + 1]));
        }
        return " ";
      });
      rest.split(/\s+/).filter(Boolean).forEach(function (w) { out.push(w); });
    });
    return out;
  }

  function contains(text, query) {
    var haystack = text.toLowerCase();
    return words(query).every(function (w) { return haystack.indexOf(w) !== -1; });
  }

  var resultsBox = document.getElementById("search-results");
  var form = document.getElementById("search-form");
  if (!resultsBox || !form) { return; }
  var root = resultsBox.getAttribute("data-root") || "";
  var siteBase = new URL(root || "./", window.location.href);
  // Large sites are indexed in shards, and the intranet also searches the public index.
  var merged = (resultsBox.getAttribute("data-merge-index") || "").split(",").filter(Boolean);
  var pagefindPromise = import(new URL("pagefind/pagefind.js", siteBase).href).then(function (pf) {
    return merged.reduce(function (ready, folder) {
      return ready.then(function () {
        return pf.mergeIndex(new URL(folder, siteBase).href, { baseUrl: siteBase.pathname });
      });
    }, pf.options({ baseUrl: siteBase.pathname })).then(function () { return pf; });
  });

  // Every page whose text contains every word of ``query``: [{url, meta}].
  function searchAll(query) {
    if (!query.trim()) { return Promise.resolve([]); }
    return pagefindPromise.then(function (pf) {
      return pf.search(terms(query).join(" "));
    }).then(function (response) {
      return Promise.all(response.results.map(function (r) { return r.data(); }));
    }).then(function (pages) {
      var hits = pages.filter(function (page) { return contains(page.meta.searchtext || "", query); });
      // Pages whose title holds the query first; otherwise keep Pagefind's ranking.
      var inTitle = hits.filter(function (page) { return contains(page.meta.title || "", query); });
      return inTitle.concat(hits.filter(function (page) { return inTitle.indexOf(page) === -1; }));
    });
  }

  // Narrow verified results by metadata; filters are {category: "预算…", year: "2025"}.
  function applyFilters(pages, filters) {
    return pages.filter(function (page) {
      return Object.keys(filters).every(function (k) { return page.meta[k] === filters[k]; });
    });
  }

  // Safe in text and in quoted attribute values alike.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  function excerpt(text, query) {
    var first = words(query)[0] || "";
    var at = first ? text.toLowerCase().indexOf(first) : 0;
    var start = Math.max(0, at - 40);
    var slice = text.slice(start, start + 120).replace(/\s+/g, " ");
    var html = escapeHtml(slice);
    words(query).forEach(function (w) {
      var safe = escapeHtml(w).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      html = html.replace(new RegExp(safe, "gi"), function (m) { return "<mark>" + m + "</mark>"; });
    });
    return (start > 0 ? "…" : "") + html + "…";
  }

  var FILTER_LABELS = { category: "分类", section: "责任科室", year: "年份" };
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

  // One select per facet, with counts over the current results.
  function buildFilters(pages, chosen) {
    filterBox.innerHTML = "";
    filterBox.hidden = !pages.length;
    Object.keys(FILTER_LABELS).forEach(function (name) {
      var counts = {};
      pages.forEach(function (p) { var v = p.meta[name]; if (v) { counts[v] = (counts[v] || 0) + 1; } });
      var values = Object.keys(counts).sort();
      if (name === "year") { values.reverse(); }
      var label = document.createElement("label");
      label.textContent = FILTER_LABELS[name] + " ";
      var select = document.createElement("select");
      select.name = name;
      select.innerHTML = '<option value="">全部</option>' + values.map(function (v) {
        return '<option value="' + escapeHtml(v) + '"' + (chosen[name] === v ? " selected" : "") + ">" +
          escapeHtml(v) + "（" + counts[v] + "）</option>";
      }).join("");
      select.addEventListener("change", showFiltered);
      label.appendChild(select);
      filterBox.appendChild(label);
    });
  }

  var shown = PAGE_SIZE;
  var current = [];

  function render(query) {
    var list = current.slice(0, shown).map(function (page) {
      var href = new URL(page.url, window.location.href).href;
      return '<li class="result"><a class="result-title" href="' + escapeHtml(href) + '">' +
        escapeHtml(page.meta.title) + '</a><div class="result-meta">索引号 ' + escapeHtml(page.meta.index_no) +
        "　发布日期 " + escapeHtml(page.meta.date) + "</div><p>" + excerpt(page.meta.searchtext || "", query) +
        "</p></li>";
    }).join("");
    resultsBox.innerHTML = current.length ? "<ol>" + list + "</ol>" : "";
    if (current.length > shown) {
      var more = document.createElement("button");
      more.type = "button";
      more.textContent = "显示更多结果";
      more.addEventListener("click", function () { shown += PAGE_SIZE; render(query); });
      resultsBox.appendChild(more);
    }
  }

  var found = [];
  var lastQuery = "";

  function updateUrl(query, filters) {
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
    window.history.replaceState(null, "", "?" + params.toString());
  }

  function showFiltered() {
    var filters = selectedFilters();
    updateUrl(lastQuery, filters);
    current = applyFilters(found, filters);
    shown = PAGE_SIZE;
    var narrowed = Object.keys(filters).length ? "（筛选后 " + current.length + " 条）" : "";
    status.textContent = found.length
      ? "找到 " + found.length + " 条结果" + narrowed
      : (lastQuery.trim() ? "没有找到相关结果，请换个关键词。" : "");
    render(lastQuery);
  }

  function run(chosen) {
    var query = form.elements.q.value;
    lastQuery = query;
    status.textContent = query.trim() ? "正在搜索…" : "";
    return searchAll(query).then(function (pages) {
      if (query !== form.elements.q.value) { return; }  // a newer query is on its way
      found = pages;
      buildFilters(pages, chosen || selectedFilters());
      showFiltered();
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  var timer = null;
  form.elements.q.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { run(); }, 250);
  });

  var params = new URLSearchParams(window.location.search);
  form.elements.q.value = params.get("q") || "";
  var chosen = {};
  Object.keys(FILTER_LABELS).forEach(function (k) { if (params.get(k)) { chosen[k] = params.get(k); } });
  run(chosen);

  window.catalogueSearch = { terms: terms, searchAll: searchAll, ready: pagefindPromise };
})();
