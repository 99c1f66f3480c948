// Progressive enhancements for the public site. Every page works without this
// file; it adds the 大字/高对比度 modes (remembered across pages), print buttons
// and the catalogue filter. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var MODES = ["large", "contrast"];

  function stored(mode) {
    try { return window.localStorage.getItem("mode-" + mode) === "on"; } catch (e) { return false; }
  }

  function store(mode, on) {
    try { window.localStorage.setItem("mode-" + mode, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  function apply(mode, on) {
    document.documentElement.classList.toggle("mode-" + mode, on);
    document.querySelectorAll('.mode-toggle[data-mode="' + mode + '"]').forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  MODES.forEach(function (mode) { apply(mode, stored(mode)); });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".mode-toggle");
    if (toggle) {
      var mode = toggle.getAttribute("data-mode");
      var on = toggle.getAttribute("aria-pressed") !== "true";
      store(mode, on);
      apply(mode, on);
    }
    if (event.target.closest(".print-button")) {
      window.print();
    }
  });

  // --- Catalogue filter: narrows the whole catalogue, not just this page. ---
  var form = document.querySelector("form.filter");
  if (!form) { return; }
  var tableHolder = document.querySelector(".listing-table");
  var pagination = document.querySelector(".pagination");
  var status = form.querySelector(".filter-status");
  var root = form.getAttribute("data-root");
  var original = tableHolder.innerHTML;
  var items = null;

  // Safe in text and in quoted attribute values alike.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  function itemHref(indexNo) {
    return root + "items/" + indexNo.split("/").pop() + ".html";
  }

  function row(item) {
    var tag = item.validity !== "current"
      ? ' <span class="tag tag-' + escapeHtml(item.validity) + '">' + escapeHtml(item.validity_label) + "</span>" : "";
    return "<tr><td><a href=\"" + itemHref(item.index_no) + "\">" + escapeHtml(item.title) + "</a>" + tag +
      '</td><td class="nowrap" data-label="索引号">' + escapeHtml(item.index_no) +
      '</td><td class="section" data-label="责任科室">' + escapeHtml(item.owner_name) +
      '</td><td class="nowrap" data-label="发布日期"><time datetime="' + escapeHtml(item.published) + '">' + escapeHtml(item.published) +
      "</time></td></tr>";
  }

  function render() {
    var text = form.elements.text.value.trim().toLowerCase();
    var category = form.elements.category.value;
    var section = form.elements.section.value;
    var year = form.elements.year.value;
    var active = text || category || section || year;
    if (!active || !items) {
      tableHolder.innerHTML = original;
      if (pagination) { pagination.hidden = false; }
      status.textContent = "";
      return;
    }
    var matches = items.filter(function (item) {
      var haystack = (item.title + " " + item.index_no + " " + (item.doc_no || "") + " " +
        (item.keywords || []).join(" ")).toLowerCase();
      return (!text || haystack.indexOf(text) !== -1) &&
        (!category || item.category === category) &&
        (!section || item.owner === section) &&
        (!year || String(item.published).slice(0, 4) === year);
    });
    tableHolder.innerHTML = '<table class="items"><thead><tr><th scope="col">名称</th><th scope="col">索引号</th>' +
      '<th scope="col">责任科室</th><th scope="col">发布日期</th></tr></thead><tbody>' +
      (matches.length ? matches.map(row).join("") : '<tr><td colspan="4">没有符合条件的条目。</td></tr>') +
      "</tbody></table>";
    if (pagination) { pagination.hidden = true; }
    status.textContent = "筛选出 " + matches.length + " 条";
  }

  fetch(form.getAttribute("data-catalogue"))
    .then(function (response) { return response.json(); })
    .then(function (data) {
      items = data.items;
      form.hidden = false;
      form.addEventListener("input", render);
      form.addEventListener("submit", function (event) { event.preventDefault(); render(); });
    })
    .catch(function () { /* no data (e.g. opened from disk): the plain listing stays */ });
})();
