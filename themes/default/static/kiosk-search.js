// Kiosk search over window.KIOSK_INDEX (static/kiosk-index.js), which works from
// file:// where Pagefind cannot. Matches Chinese text, pinyin initials (CZYS →
// 财政预算) and full pinyin; results update on every key of the on-screen keyboard.
(function () {
  "use strict";
  var PAGE_SIZE = 6;
  var index = window.KIOSK_INDEX || [];
  var form = document.getElementById("kiosk-form");
  var input = document.getElementById("kiosk-q");
  var list = document.getElementById("kiosk-results");
  var status = document.querySelector(".search-status");
  var pager = document.getElementById("kiosk-pages");
  var pageLabel = document.getElementById("kiosk-page-label");
  var results = [];
  var page = 0;

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // Indices of matching items: titles first, newest first within each group.
  function search(query) {
    var ws = words(query);
    if (!ws.length) { return []; }
    var inTitle = [];
    var elsewhere = [];
    for (var i = 0; i < index.length; i++) {
      var item = index[i];
      var all = true;
      var titleHit = true;
      for (var w = 0; w < ws.length && all; w++) {
        var word = ws[w];
        var pinyinHit = /^[a-z]+$/.test(word) &&
          (item.initials.indexOf(word) !== -1 || item.pinyin.indexOf(word) !== -1);
        var textHit = item.text.indexOf(word) !== -1;
        all = pinyinHit || textHit;
        titleHit = titleHit && (pinyinHit || item.title.toLowerCase().indexOf(word) !== -1);
      }
      if (all) { (titleHit ? inTitle : elsewhere).push(i); }
    }
    return inTitle.concat(elsewhere);
  }

  // Safe in text and in quoted attribute values alike.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  function render() {
    var pages = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    var shown = results.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    list.start = page * PAGE_SIZE + 1;
    list.innerHTML = shown.map(function (i) {
      var item = index[i];
      // The whole row is the target: title and meta inside one tall link.
      return '<li><a href="' + escapeHtml(item.url) + '"><span class="result-title">' + escapeHtml(item.title) +
        '</span><span class="result-meta">' + escapeHtml(item.category) + "　" + escapeHtml(item.date) +
        "</span></a></li>";
    }).join("");
    pager.hidden = results.length <= PAGE_SIZE;
    pageLabel.textContent = "第 " + (page + 1) + " / " + pages + " 页";
    pager.querySelector('[data-page="prev"]').disabled = page === 0;
    pager.querySelector('[data-page="next"]').disabled = page >= pages - 1;
  }

  function run() {
    var query = input.value;
    results = search(query);
    page = 0;
    status.textContent = !query.trim() ? "请输入关键词" :
      results.length ? "找到 " + results.length + " 条结果" : "没有找到相关结果，请换个关键词。";
    render();
  }

  document.getElementById("osk").addEventListener("click", function (event) {
    var key = event.target.closest(".osk-key");
    if (!key) { return; }
    var action = key.getAttribute("data-action");
    if (action === "backspace") {
      input.value = input.value.slice(0, -1);
    } else if (action === "clear") {
      input.value = "";
    } else {
      input.value += key.getAttribute("data-key");
    }
    run();
  });
  input.addEventListener("input", run);
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  pager.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    page += button.getAttribute("data-page") === "next" ? 1 : -1;
    render();
  });

  input.value = new URLSearchParams(window.location.search).get("q") || "";
  run();
  window.kioskSearch = search;
})();
