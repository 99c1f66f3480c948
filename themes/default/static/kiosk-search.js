// Kiosk search over the output's index (static/search-index.js), read with <script>
// tags so it works from file://. Matches Chinese text, pinyin initials (CZYS →
// 财政预算) and full pinyin of titles and keywords; results update on every key of
// the on-screen keyboard. The list carries data-query once it shows that query.
(function () {
  "use strict";
  var PAGE_SIZE = 6;
  var form = document.getElementById("kiosk-form");
  var input = document.getElementById("kiosk-q");
  var list = document.getElementById("kiosk-results");
  var status = document.querySelector(".search-status");
  var pager = document.getElementById("kiosk-pages");
  var pageLabel = document.getElementById("kiosk-page-label");
  var base = new URL(document.body.getAttribute("data-home") || "index.html", window.location.href);
  var engine = window.CatalogueIndex.open(new URL("search/", base).href, { pinyin: true, rows: true });
  var listing = null;
  var page = 0;
  var generation = 0;

  // Safe in text and in quoted attribute values alike.
  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }

  function render(query) {
    var mine = generation;
    var current = listing;
    var wanted = (page + 1) * PAGE_SIZE;
    return current.take(wanted).then(function (docs) {
      if (mine !== generation) { return; }
      var exact = current.exact();
      status.textContent = current.count ? "找到 " + (exact ? "" : "约 ") + current.count + " 条结果" :
        "没有找到相关结果，请换个关键词。";
      var pages = Math.max(1, Math.ceil(current.count / PAGE_SIZE));
      page = Math.min(page, pages - 1);
      var shown = docs.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
      list.start = page * PAGE_SIZE + 1;
      list.innerHTML = shown.map(function (doc) {
        // The whole row is the target: title and meta inside one tall link.
        return '<li><a href="' + escapeHtml(doc.url) + '"><span class="result-title">' + escapeHtml(doc.title) +
          '</span><span class="result-meta">' + escapeHtml(doc.category) + "　" + escapeHtml(doc.date) +
          "</span></a></li>";
      }).join("");
      pager.hidden = current.count <= PAGE_SIZE;
      pageLabel.textContent = "第 " + (page + 1) + " / " + pages + " 页";
      pager.querySelector('[data-page="prev"]').disabled = page === 0;
      pager.querySelector('[data-page="next"]').disabled = page >= pages - 1;
      list.setAttribute("data-query", query);
    });
  }

  function run() {
    var query = input.value;
    var mine = ++generation;
    page = 0;
    if (!query.trim()) {
      status.textContent = "请输入关键词";
      list.innerHTML = "";
      pager.hidden = true;
      list.setAttribute("data-query", query);
      return Promise.resolve();
    }
    return engine.query(query).then(function (found) {
      if (mine !== generation) { return; }
      listing = found.narrow({});
      return render(query);
    });
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
    if (!button || !listing) { return; }
    page += button.getAttribute("data-page") === "next" ? 1 : -1;
    generation++;
    render(input.value);
  });

  input.value = new URLSearchParams(window.location.search).get("q") || "";
  run();
  // A word's first key needs term shards no other key has loaded: every key's, while
  // the screen waits for its first visitor.
  engine.prefetch("abcdefghijklmnopqrstuvwxyz0123456789".split("").join(" ")).catch(function () {
    // a shard that failed to load now is asked for again by the query that needs it
  });
  window.kioskSearchReady = Promise.all([engine.ready, engine.pinyinReady, engine.rowsReady]);
  window.kioskSearch = function (query) {  // every result's URL, ranked (for tests and tools)
    return engine.query(query).then(function (found) {
      if (!found) { return []; }
      var all = found.narrow({});
      return all.take(all.order.length).then(function (docs) { return docs.map(function (d) { return d.url; }); });
    });
  };
})();
