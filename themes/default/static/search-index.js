// The search index's reader (generator/search/index.py writes it): loads the few
// files a query needs with <script> tags (which also work from file://, where the
// kiosk runs and fetch is blocked), intersects posting lists, ranks, counts facets,
// and verifies the results it shows against their text.
//
// Normalisation and terms follow generator/search/terms.py; tests check both agree.
(function () {
  "use strict";

  var PREFIX_LIMIT = 12;
  var TITLE = "\u0001";
  var WHOLE_TITLE = "\u0002";
  var SEPARATING = /[\p{P}\p{Z}\p{Cc}]+/gu;
  var INVISIBLE = /\p{Cf}+/gu;
  var TOKEN = /[0-9a-z]+|\S/gu;
  var BATCH = 24;  // fragments fetched at once while verifying

  function normalise(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(INVISIBLE, "").replace(SEPARATING, " ");
  }
  function tokens(text) { return normalise(text).match(TOKEN) || []; }
  function isLatin(token) { return /^[0-9a-z]/.test(token); }

  // Does ``tks`` (a text's tokens) hold ``word`` (a query word's tokens)? Every token
  // equal, except a Latin last token, which may start a word.
  function holds(tks, word) {
    var m = word.length;
    if (!m) { return true; }
    var last = word[m - 1];
    var prefix = isLatin(last);
    for (var i = 0; i + m <= tks.length; i++) {
      var k = 0;
      while (k < m - 1 && tks[i + k] === word[k]) { k++; }
      if (k === m - 1 && (tks[i + k] === last || (prefix && tks[i + k].lastIndexOf(last, 0) === 0))) {
        return i;
      }
    }
    return -1;
  }
  function holdsAll(tks, words) {
    return words.every(function (w) { return holds(tks, w) !== -1; });
  }

  // The index terms whose posting lists narrow a word down, and whether they are exact.
  function wordTerms(word) {
    var terms = [];
    var run = [];
    function endRun() {
      // Every pair of a short run (a tighter bound: 三公经费 needs 公经 too), every other
      // pair of a long one (fewer files), and its last.
      var step = run.length <= 4 ? 1 : 2;
      if (run.length === 1) { terms.push(run[0]); }
      for (var i = 0; i + 1 < run.length; i += step) { terms.push(run[i] + run[i + 1]); }
      if (run.length > 4 && run.length % 2) { terms.push(run[run.length - 2] + run[run.length - 1]); }
      run = [];
    }
    word.forEach(function (t) {
      if (isLatin(t)) { endRun(); terms.push(t.slice(0, PREFIX_LIMIT)); } else { run.push(t); }
    });
    endRun();
    var exact = word.length === 1 ? !isLatin(word[0]) || word[0].length <= PREFIX_LIMIT :
      word.length === 2 && !isLatin(word[0]) && !isLatin(word[1]);
    return { terms: terms, exact: exact };
  }

  function crc32(text) {
    var bytes = new TextEncoder().encode(text);
    var crc = -1;
    for (var i = 0; i < bytes.length; i++) {
      crc ^= bytes[i];
      for (var k = 0; k < 8; k++) { crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1)); }
    }
    return (crc ^ -1) >>> 0;
  }

  function decodePosting(text, count) {
    var bin = atob(text);
    var kind = bin.charCodeAt(0);
    var out = [];
    if (kind === 0) {
      for (var i = 1; i < bin.length; i++) {
        var b = bin.charCodeAt(i);
        for (var bit = 0; b; bit++, b >>= 1) { if (b & 1) { out.push((i - 1) * 8 + bit); } }
      }
    } else {
      for (var j = 1; j < bin.length; j += kind) {
        var id = bin.charCodeAt(j) | (bin.charCodeAt(j + 1) << 8);
        if (kind === 3) { id |= bin.charCodeAt(j + 2) << 16; }
        out.push(id);
      }
    }
    return out;
  }

  function intersect(a, b) {
    var out = [];
    for (var i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i] < b[j]) { i++; } else if (a[i] > b[j]) { j++; } else { out.push(a[i]); i++; j++; }
    }
    return out;
  }
  function union(a, b) {
    var out = [];
    for (var i = 0, j = 0; i < a.length || j < b.length;) {
      if (j >= b.length || (i < a.length && a[i] < b[j])) { out.push(a[i++]); }
      else if (i >= a.length || b[j] < a[i]) { out.push(b[j++]); }
      else { out.push(a[i]); i++; j++; }
    }
    return out;
  }

  // ``base``: the URL of the output's search/ folder; ``options.pinyin``: the kiosk's keys.
  function open(base, options) {
    var parts = {};
    var loading = {};
    var previous = window.catalogueIndexPart;
    window.catalogueIndexPart = function (name, data) {
      parts[name] = data;
      if (previous) { previous(name, data); }
    };

    function load(name) {
      if (!loading[name]) {
        loading[name] = new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = base + name + ".js";
          script.onload = function () {
            script.remove();
            if (name in parts) { resolve(parts[name]); } else { reject(new Error("索引文件无效：" + name)); }
          };
          script.onerror = function () { delete loading[name]; reject(new Error("无法读取索引：" + name)); };
          document.head.appendChild(script);
        });
      }
      return loading[name];
    }

    var meta = null;
    var facetBytes = null;
    var yearOf = null;
    var ready = load("meta").then(function (m) {
      meta = m;
      var bin = atob(m.facets);
      facetBytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) { facetBytes[i] = bin.charCodeAt(i); }
      yearOf = new Int32Array(m.count);
      var id = 0;
      m.years.forEach(function (run) { for (var k = 0; k < run[1]; k++) { yearOf[id++] = run[0]; } });
      return m;
    });
    var pinyinLines = null;
    var lineStarts = null;  // where each item's line begins
    var pinyinReady = options && options.pinyin ? ready.then(function () {
      return load("pinyin");
    }).then(function (text) {
      var starts = [0];
      for (var at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) { starts.push(at + 1); }
      lineStarts = starts;
      pinyinLines = text;
    }) : Promise.resolve();

    var postingCache = {};
    function posting(term) {
      var shard = crc32(term.replace(TITLE, "")) % meta.shards;
      return load("t/" + shard).then(function (group) {
        if (!(term in postingCache)) {
          postingCache[term] = group[term] === undefined ? [] : decodePosting(group[term], meta.count);
        }
        return postingCache[term];
      });
    }
    function all(terms) {
      return Promise.all(terms.map(posting)).then(function (lists) {
        return lists.reduce(function (acc, list) { return acc === null ? list : intersect(acc, list); }, null);
      });
    }

    // Items whose pinyin keys (initials, full) hold ``letters``, ascending.
    function pinyinIds(letters) {
      var out = [];
      if (!pinyinLines || !/^[a-z]+$/.test(letters)) { return out; }
      var id = 0;
      for (var at = pinyinLines.indexOf(letters); at !== -1;) {
        while (id + 1 < lineStarts.length && lineStarts[id + 1] <= at) { id++; }
        out.push(id);
        if (id + 1 >= lineStarts.length) { break; }
        at = pinyinLines.indexOf(letters, lineStarts[id + 1]);
      }
      return out;
    }

    var fragments = {};
    function fragment(id) {
      return load("d/" + id).then(function (doc) {
        if (!fragments[id]) {
          doc.id = id;
          doc.tokens = tokens(doc.parts.join("\n"));
          doc.titleTokens = tokens(doc.title);
          fragments[id] = doc;
        }
        return fragments[id];
      });
    }

    function categoryId(id) { return facetBytes[2 * id]; }
    function sectionId(id) { return facetBytes[2 * id + 1]; }

    // A query: the candidates in ranked order, and the first ones verified on demand.
    function query(text) {
      var words = String(text).split(/\s+/).map(tokens).filter(function (w) { return w.length; });
      if (!words.length) { return Promise.resolve(null); }
      var wholeTitle = WHOLE_TITLE + [].concat.apply([], words).join(" ");
      return Promise.all([ready, pinyinReady]).then(function () {
        var plans = words.map(wordTerms);
        var exact = plans.every(function (p) { return p.exact; });
        var pinyinSets = words.map(function (w) {
          return w.length === 1 && options && options.pinyin ? pinyinIds(w[0]) : [];
        });
        var textTerms = [].concat.apply([], plans.map(function (p) { return p.terms; }));
        var titleTerms = textTerms.map(function (t) { return TITLE + t; });
        return Promise.all(words.map(function (w, k) {
          return all(plans[k].terms).then(function (ids) { return union(ids, pinyinSets[k]); });
        }).concat([all(titleTerms), posting(wholeTitle)])).then(function (lists) {
          var inTitle = lists[words.length];
          var equal = lists[words.length + 1];
          var candidates = lists.slice(0, words.length).reduce(intersect);
          pinyinSets.forEach(function (set) { inTitle = union(inTitle, intersect(set, candidates)); });
          var byCategory = meta.categories.map(function (name) { return holdsAll(tokens(name), words); });
          var tierOf = {};
          equal.forEach(function (id) { tierOf[id] = 1; });
          inTitle.forEach(function (id) { if (!tierOf[id]) { tierOf[id] = 2; } });
          return new Search(words, wholeTitle, candidates, tierOf, byCategory, exact, pinyinSets);
        });
      });
    }

    function Search(words, wholeTitle, candidates, tierOf, byCategory, exact, pinyinSets) {
      var self = this;
      self.words = words;
      self.exact = exact;
      function tier(id) { return tierOf[id] || (byCategory[categoryId(id)] ? 3 : 4); }
      self.candidates = candidates;
      self.tier = tier;
      self.byCategory = byCategory;
      self.pinyin = pinyinSets.map(function (set) {
        var known = {};
        set.forEach(function (id) { known[id] = true; });
        return known;
      });
      self.wholeTitle = wholeTitle;
      self.rejected = {};
    }

    // Is ``doc`` a match, and of which tier (0: no match)?
    Search.prototype.verify = function (doc) {
      var self = this;
      var inText = true;
      var inTitle = true;
      self.words.forEach(function (w, k) {
        var byPinyin = self.pinyin[k][doc.id];
        inText = inText && (byPinyin || holds(doc.tokens, w) !== -1);
        inTitle = inTitle && (byPinyin || holds(doc.titleTokens, w) !== -1);
      });
      if (!inText) { return 0; }
      if (WHOLE_TITLE + doc.titleTokens.join(" ") === self.wholeTitle) { return 1; }
      if (inTitle) { return 2; }
      return this.byCategory[categoryId(doc.id)] ? 3 : 4;
    };

    // A view of the search narrowed by facet values: {category: name, section: name, year: "2025"}.
    Search.prototype.narrow = function (filters) {
      var self = this;
      var cat = filters.category !== undefined ? meta.categories.indexOf(filters.category) : -1;
      var sec = filters.section !== undefined ? meta.sections.indexOf(filters.section) : -1;
      var year = filters.year !== undefined ? parseInt(filters.year, 10) : null;
      var ids = self.candidates.filter(function (id) {
        return !self.rejected[id] &&
          (filters.category === undefined || categoryId(id) === cat) &&
          (filters.section === undefined || sectionId(id) === sec) &&
          (year === null || yearOf[id] === year);
      });
      return new Listing(self, ids);
    };

    // Facet counts over the candidates not yet rejected: {category: {name: n}, section, year}.
    Search.prototype.facets = function () {
      var self = this;
      var counts = { category: {}, section: {}, year: {} };
      self.candidates.forEach(function (id) {
        if (self.rejected[id]) { return; }
        var c = meta.categories[categoryId(id)];
        var s = meta.sections[sectionId(id)];
        var y = String(yearOf[id]);
        counts.category[c] = (counts.category[c] || 0) + 1;
        counts.section[s] = (counts.section[s] || 0) + 1;
        counts.year[y] = (counts.year[y] || 0) + 1;
      });
      return counts;
    };

    // Ranked, verified results of a (narrowed) search, taken a page at a time.
    function Listing(search, ids) {
      var tiers = {};
      ids.forEach(function (id) { tiers[id] = search.tier(id); });
      this.search = search;
      this.order = ids.slice().sort(function (a, b) { return tiers[a] - tiers[b] || a - b; });
      this.tiers = tiers;
      this.position = 0;
      this.verified = [];
      this.count = ids.length;
    }
    Listing.prototype.place = function (id) {  // back into the order, at its true tier
      var order = this.order;
      var tiers = this.tiers;
      var lo = this.position;
      var hi = order.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (tiers[order[mid]] < tiers[id] || (tiers[order[mid]] === tiers[id] && order[mid] < id)) { lo = mid + 1; } else { hi = mid; }
      }
      order.splice(lo, 0, id);
    };
    // Whether the count is final: every candidate verified, or the index was exact.
    Listing.prototype.exact = function () {
      return this.search.exact || this.position >= this.order.length;
    };
    // The first ``n`` results, verified: fragments [{url, title, …, tier}].
    Listing.prototype.take = function (n) {
      var self = this;
      if (self.verified.length >= n || self.position >= self.order.length) {
        return Promise.resolve(self.verified.slice(0, n));
      }
      // Exactly the page where the index was exact; a few more where some may not match.
      var want = self.search.exact ? n - self.verified.length : Math.max(BATCH, n - self.verified.length);
      var batch = self.order.slice(self.position, self.position + want);
      return Promise.all(batch.map(fragment)).then(function (docs) {
        for (var i = 0; i < docs.length; i++) {
          var doc = docs[i];
          var id = self.order[self.position];
          if (id !== doc.id) {  // an earlier doc of this batch moved later: start again here
            return self.take(n);
          }
          var tier = self.search.verify(doc);
          self.position++;
          if (!tier) {
            self.search.rejected[id] = true;
            self.count--;
          } else if (tier > self.tiers[id]) {
            self.tiers[id] = tier;
            self.place(id);
          } else {
            doc.tier = tier;
            self.verified.push(doc);
          }
          if (self.verified.length >= n) { break; }
        }
        return self.take(n);
      });
    };

    // Where the first match lies in the body: an excerpt around it, matches marked;
    // null where only the title or the metadata matched (show the summary then).
    function excerpt(doc, words, width) {
      var body = doc.body >= 0 ? doc.parts[doc.body] : "";
      if (!body) { return null; }
      var chars = Array.from(body);
      var toks = [];  // [token, first char, end char]
      var latin = null;
      chars.forEach(function (ch, i) {
        var n = normalise(ch);
        (n.match(TOKEN) || []).forEach(function (t) {
          if (isLatin(t) && latin && latin[2] === i) { latin[0] += t; latin[2] = i + 1; return; }
          var entry = [t, i, i + 1];
          toks.push(entry);
          latin = isLatin(t) ? entry : null;
        });
        if (!n.trim()) { latin = null; }
      });
      var plain = toks.map(function (t) { return t[0]; });
      var marks = [];
      var first = -1;
      words.forEach(function (w) {
        for (var from = 0; from < plain.length;) {
          var at = holds(plain.slice(from), w);
          if (at === -1) { break; }
          at += from;
          marks.push([toks[at][1], toks[at + w.length - 1][2]]);
          if (first === -1 || toks[at][1] < first) { first = toks[at][1]; }
          from = at + w.length;
        }
      });
      if (first === -1) { return null; }
      var start = Math.max(0, first - Math.floor(width / 3));
      var end = Math.min(chars.length, start + width);
      var marked = new Uint8Array(chars.length);
      marks.forEach(function (m) { for (var i = m[0]; i < m[1]; i++) { marked[i] = 1; } });
      var pieces = [];
      for (var i = start; i < end; i++) {
        var piece = { text: chars[i].replace(/\s+/g, " "), mark: !!marked[i] };
        var last = pieces[pieces.length - 1];
        if (last && last.mark === piece.mark) { last.text += piece.text; } else { pieces.push(piece); }
      }
      return { before: start > 0, after: end < chars.length, pieces: pieces };
    }

    // The same query without its last character, and keywords sharing a character with it.
    function suggestions(text) {
      var chars = Array.from(String(text).trim());
      var related = meta.keywords.filter(function (k) {
        return chars.some(function (c) { return c.trim() && k.indexOf(c) !== -1; });
      }).slice(0, 8);
      return { shorter: chars.length > 1 ? chars.slice(0, -1).join("") : "", keywords: related };
    }

    // Items per category of the whole output: {name: n}.
    function categoryCounts() {
      var counts = {};
      for (var id = 0; id < meta.count; id++) {
        var c = meta.categories[categoryId(id)];
        counts[c] = (counts[c] || 0) + 1;
      }
      return counts;
    }

    return {
      ready: ready,
      pinyinReady: pinyinReady,
      meta: function () { return meta; },
      query: query,
      excerpt: excerpt,
      suggestions: suggestions,
      categoryCounts: categoryCounts,
    };
  }

  window.CatalogueIndex = {
    open: open,
    normalise: normalise,
    tokens: tokens,
    wordTerms: wordTerms,
    crc32: crc32,
    holds: holds,
  };
})();
