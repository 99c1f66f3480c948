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
  var pagefindPromise = import(new URL("pagefind/pagefind.js", siteBase).href).then(function (pf) {
    return pf.options({ baseUrl: siteBase.pathname }).then(function () { return pf; });
  });

  // Every page that matches ``query`` and ``filters``, verified: [{url, meta}].
  function searchAll(query, filters) {
    return pagefindPromise.then(function (pf) {
      var q = terms(query).join(" ");
      return pf.search(q || null, { filters: filters || {} });
    }).then(function (response) {
      return Promise.all(response.results.map(function (r) { return r.data(); }));
    }).then(function (pages) {
      return pages.filter(function (page) {
        return !query.trim() || contains(page.meta.searchtext || "", query);
      });
    });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
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

  var FILTER_LABELS = { category: "分类", section: "发布机构", year: "年份" };
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
      if (select.value) { filters[select.name] = [select.value]; }
    });
    return filters;
  }

  function buildFilters(available, chosen) {
    filterBox.innerHTML = "";
    Object.keys(FILTER_LABELS).forEach(function (name) {
      var values = Object.keys(available[name] || {}).sort();
      if (name === "year") { values.reverse(); }
      var label = document.createElement("label");
      label.textContent = FILTER_LABELS[name] + " ";
      var select = document.createElement("select");
      select.name = name;
      select.innerHTML = '<option value="">全部</option>' + values.map(function (v) {
        return '<option value="' + escapeHtml(v) + '"' + (chosen[name] === v ? " selected" : "") + ">" +
          escapeHtml(v) + "</option>";
      }).join("");
      select.addEventListener("change", run);
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

  function run() {
    var query = form.elements.q.value;
    var filters = selectedFilters();
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    Object.keys(filters).forEach(function (k) { params.set(k, filters[k][0]); });
    window.history.replaceState(null, "", "?" + params.toString());
    if (!query.trim() && !Object.keys(filters).length) {
      current = [];
      status.textContent = "";
      render(query);
      return Promise.resolve();
    }
    status.textContent = "正在搜索…";
    return searchAll(query, filters).then(function (pages) {
      current = pages;
      shown = PAGE_SIZE;
      status.textContent = pages.length ? "找到 " + pages.length + " 条结果" : "没有找到相关结果，请换个关键词或减少筛选条件。";
      render(query);
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  var timer = null;
  form.elements.q.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 250);
  });

  var params = new URLSearchParams(window.location.search);
  form.elements.q.value = params.get("q") || "";
  var chosen = {};
  Object.keys(FILTER_LABELS).forEach(function (k) { if (params.get(k)) { chosen[k] = params.get(k); } });
  pagefindPromise.then(function (pf) { return pf.filters(); }).then(function (available) {
    buildFilters(available, chosen);
    run();
  });

  window.catalogueSearch = { terms: terms, searchAll: searchAll, ready: pagefindPromise };
})();
