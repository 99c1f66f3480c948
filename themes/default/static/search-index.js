// The search index's reader (generator/search/index.py writes it): loads the few
// files a query needs with <script> tags (which also work from file://, where the
// kiosk runs and fetch is blocked), intersects posting lists, ranks, counts facets,
// and verifies the results it shows against their text where the index alone cannot
// tell (words of three or more characters).
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
  var SLACK = 4;  // fragments fetched beyond a page while verifying: few candidates fail

  function normalise(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(INVISIBLE, "").replace(SEPARATING, " ");
  }
  function tokens(text) { return normalise(text).match(TOKEN) || []; }
  function isLatin(token) { return /^[0-9a-z]/.test(token); }

  // Where does ``tks`` (a text's tokens) first hold ``word`` (a query word's tokens), at
  // or after ``from``; -1 if nowhere. Every token equal, except a Latin last token, which
  // may start a word.
  function holds(tks, word, from) {
    var m = word.length;
    if (!m) { return from || 0; }
    var last = word[m - 1];
    var prefix = isLatin(last);
    for (var i = from || 0; i + m <= tks.length; i++) {
      var k = 0;
      while (k < m - 1 && tks[i + k] === word[k]) { k++; }
      if (k === m - 1 && (tks[i + k] === last || (prefix && tks[i + k].lastIndexOf(last, 0) === 0))) {
        return i;
      }
    }
    return -1;
  }
  // A query's words, each as its tokens; empty words dropped.
  function queryWords(text) {
    return String(text).split(/\s+/).map(tokens).filter(function (w) { return w.length; });
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

  // The term shards a query of ``words`` reads: each word's terms (a title term lives in
  // its term's shard) and the whole query's title term.
  function wholeTitleTerm(words) { return WHOLE_TITLE + [].concat.apply([], words).join(" "); }
  function shardName(term, shards) { return "t/" + crc32(term.replace(TITLE, "")) % shards; }
  function queryShards(words, shards) {
    if (!words.length) { return []; }
    var names = {};
    words.forEach(function (w) {
      wordTerms(w).terms.forEach(function (t) { names[shardName(t, shards)] = true; });
    });
    names[shardName(wholeTitleTerm(words), shards)] = true;
    return Object.keys(names);
  }

  // Every index file hands its data here, and is requested once a page (again only after
  // a failure). A page reads one output's index: the parts are kept by name alone.
  var parts = {};
  var loading = {};
  function load(base, name) {
    if (!loading[name] && name in parts) { loading[name] = Promise.resolve(parts[name]); }
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
  // The search page names meta.js, the document table, as a deferred script of its own.
  // The table tells how many term shards there are, so the shards of the query in the
  // page's address (search.html?q=…) are requested the moment it runs, not after the
  // page's search script has run and the page has been laid out once more.
  window.catalogueIndexPart = function (name, data) {
    parts[name] = data;
    var script = document.currentScript;
    if (name !== "meta" || !script) { return; }
    // As the page's search box will hold it: a search field drops line breaks.
    var query = (new URLSearchParams(window.location.search).get("q") || "").replace(/[\r\n]/g, "");
    if (query) {
      var base = script.src.slice(0, script.src.lastIndexOf("/") + 1);
      queryShards(queryWords(query), data.shards).forEach(function (shard) {
        load(base, shard).catch(function () {});  // the query's to report
      });
    }
  };

  // ``base``: the URL of the output's search/ folder; ``options.pinyin`` and ``options.rows``:
  // read the kiosk's pinyin keys and its row table too.
  function open(base, options) {
    function get(name) { return load(base, name); }

    var meta = null;
    var facetBytes = null;
    var yearOf = null;
    var ready = get("meta").then(function (m) {
      meta = m;
      var bin = atob(m.facets);
      facetBytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) { facetBytes[i] = bin.charCodeAt(i); }
      yearOf = new Int32Array(m.count);
      var id = 0;
      m.years.forEach(function (run) { for (var k = 0; k < run[1]; k++) { yearOf[id++] = run[0]; } });
      return m;
    });
    // A file of one line per item (the kiosk's pinyin.js and rows.js), and where each line starts.
    function lineTable(name) {
      return ready.then(function () { return get(name); }).then(function (text) {
        var starts = [0];
        for (var at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) { starts.push(at + 1); }
        return { text: text, starts: starts };
      });
    }
    function line(table, id) {
      var end = id + 1 < table.starts.length ? table.starts[id + 1] - 1 : table.text.length;
      return table.text.slice(table.starts[id], end);
    }
    var pinyin = null;
    var pinyinReady = options && options.pinyin ? lineTable("pinyin").then(function (t) { pinyin = t; }) : Promise.resolve();
    var rows = null;
    // Without the rows (not yet read, or unreadable) results come from the items' files.
    var rowsReady = options && options.rows ? lineTable("rows").then(function (t) { rows = t; }, function () {}) : Promise.resolve();

    var postingCache = {};
    function posting(term) {
      return get(shardName(term, meta.shards)).then(function (group) {
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
      if (!pinyin || !/^[a-z]+$/.test(letters)) { return out; }
      var id = 0;
      var starts = pinyin.starts;
      for (var at = pinyin.text.indexOf(letters); at !== -1;) {
        while (id + 1 < starts.length && starts[id + 1] <= at) { id++; }
        out.push(id);
        if (id + 1 >= starts.length) { break; }
        at = pinyin.text.indexOf(letters, starts[id + 1]);
      }
      return out;
    }

    function fragment(id) {
      // Fragments are numbered oldest first (index.py, fragment_name).
      return get("f/" + (meta.count - 1 - id)).then(function (doc) { doc.id = id; return doc; });
    }

    function categoryId(id) { return facetBytes[2 * id]; }
    function sectionId(id) { return facetBytes[2 * id + 1]; }

    // A query: the candidates in ranked order, and the first ones verified on demand.
    function query(text) {
      var words = queryWords(text);
      if (!words.length) { return Promise.resolve(null); }
      var wholeTitle = wholeTitleTerm(words);
      return ready.then(function () {
        var plans = words.map(wordTerms);
        var exact = plans.every(function (p) { return p.exact; });
        var n = words.length;
        // Per word, its text and its title lists. The term shards are requested before
        // the kiosk's pinyin keys are awaited.
        var lists = Promise.all(plans.map(function (p) { return all(p.terms); })
          .concat(plans.map(function (p) { return all(p.terms.map(function (t) { return TITLE + t; })); }))
          .concat([posting(wholeTitle)]));
        return Promise.all([lists, pinyinReady]).then(function (loaded) {
          var lists = loaded[0];
          var pinyinSets = words.map(function (w) {
            return w.length === 1 && options && options.pinyin ? pinyinIds(w[0]) : [];
          });
          // A word is in the text, or in the title, where its terms are or its pinyin is.
          function every(first) {
            return lists.slice(first, first + n).map(function (ids, k) { return union(ids, pinyinSets[k]); })
              .reduce(intersect);
          }
          var candidates = every(0);
          var inTitle = every(n);
          var equal = lists[2 * n];
          var byCategory = meta.categories.map(function (name) { return holdsAll(tokens(name), words); });
          var tierOf = new Uint8Array(meta.count);  // 0 where neither list has the item
          inTitle.forEach(function (id) { tierOf[id] = 2; });
          equal.forEach(function (id) { tierOf[id] = 1; });
          return new Search(words, wholeTitle, candidates, tierOf, byCategory, exact, pinyinSets);
        });
      });
    }

    // Loads (without decoding) the term shards a query of each word of ``text`` reads.
    function prefetch(text) {
      var words = queryWords(text);
      return ready.then(function () {
        var names = {};
        words.forEach(function (w) {
          queryShards([w], meta.shards).forEach(function (name) { names[name] = true; });
        });
        return Promise.all(Object.keys(names).map(get));
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

    // Does every word hold in ``tks`` (or in the item's pinyin)?
    Search.prototype.heldIn = function (id, tks) {
      var self = this;
      return self.words.every(function (w, k) { return self.pinyin[k][id] || holds(tks, w) !== -1; });
    };
    // 1 where the title is the query, 2 where it (or its pinyin) holds every word, else 0.
    Search.prototype.titleTier = function (id, titleTokens) {
      if (WHOLE_TITLE + titleTokens.join(" ") === this.wholeTitle) { return 1; }
      return this.heldIn(id, titleTokens) ? 2 : 0;
    };
    // Is ``doc`` a match, and of which tier (0: no match)? Its tokens are worked out here,
    // once: where the index was exact, nothing is checked.
    Search.prototype.verify = function (doc) {
      doc.tokens = doc.tokens || tokens(doc.parts.join("\n"));
      doc.titleTokens = doc.titleTokens || tokens(doc.title);
      if (!this.heldIn(doc.id, doc.tokens)) { return 0; }
      return this.titleTier(doc.id, doc.titleTokens) || (this.byCategory[categoryId(doc.id)] ? 3 : 4);
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
      var categories = new Int32Array(meta.categories.length);
      var sections = new Int32Array(meta.sections.length);
      var years = {};
      self.candidates.forEach(function (id) {
        if (self.rejected[id]) { return; }
        categories[categoryId(id)]++;
        sections[sectionId(id)]++;
        years[yearOf[id]] = (years[yearOf[id]] || 0) + 1;
      });
      function named(names, counts) {
        var out = {};
        names.forEach(function (name, k) { if (counts[k]) { out[name] = counts[k]; } });
        return out;
      }
      return { category: named(meta.categories, categories), section: named(meta.sections, sections), year: years };
    };

    // Ranked, verified results of a (narrowed) search, taken a page at a time.
    function Listing(search, ids) {
      var tiers = new Uint8Array(meta.count);
      var byTier = [[], [], [], []];
      ids.forEach(function (id) {  // ascending ids, so each tier is already in order
        tiers[id] = search.tier(id);
        byTier[tiers[id] - 1].push(id);
      });
      this.search = search;
      this.order = [].concat.apply([], byTier);
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
    // The first ``n`` results, verified: fragments [{url, title, …, tier}], or the kiosk's
    // rows [{url, title, date, category, tier}] where a row can tell (exact index, or a
    // title that holds the query).
    Listing.prototype.take = function (n) {
      var self = this;
      while (rows && self.verified.length < n && self.position < self.order.length) {
        var id = self.order[self.position];
        var shown = row(id);
        // A title that does not hold the query leaves it to the item's text.
        var tier = self.search.exact ? self.tiers[id] : self.search.titleTier(id, tokens(shown.title));
        if (!tier) { break; }
        self.settle(id, tier, shown);
      }
      if (self.verified.length >= n || self.position >= self.order.length) {
        return Promise.resolve(self.verified.slice(0, n));
      }
      // Exactly the page where the index was exact; a few more where some may not match.
      var want = n - self.verified.length + (self.search.exact ? 0 : SLACK);
      var batch = self.order.slice(self.position, self.position + want);
      return Promise.all(batch.map(fragment)).then(function (docs) {
        for (var i = 0; i < docs.length && self.verified.length < n; i++) {
          if (self.order[self.position] !== docs[i].id) {  // an earlier doc of this batch moved later
            break;
          }
          var id = docs[i].id;
          self.settle(id, self.search.exact ? self.tiers[id] : self.search.verify(docs[i]), docs[i]);
        }
        return self.take(n);
      });
    };
    // What verifying the next candidate found: a result, a rejection, or a worse tier
    // (then it goes back into the order there).
    Listing.prototype.settle = function (id, tier, shown) {
      this.position++;
      if (!tier) {
        this.search.rejected[id] = true;
        this.count--;
      } else if (tier > this.tiers[id]) {
        this.tiers[id] = tier;
        this.place(id);
      } else {
        shown.tier = tier;
        this.verified.push(shown);
      }
    };

    function row(id) {
      var fields = line(rows, id).split("\t");
      return { id: id, url: fields[0], title: fields[1], date: fields[2], category: meta.categories[categoryId(id)] };
    }

    // Where the first match lies in the body: an excerpt around it, matches marked;
    // null where only the title or the metadata matched (show the summary then).
    function excerpt(doc, words, width) {
      var body = doc.body >= 0 ? doc.parts[doc.body] : "";
      if (!body) { return null; }
      var chars = Array.from(body);
      var toks = [];  // [token, first char, end char]
      var latin = null;
      chars.forEach(function (ch, i) {
        // NFKC and lower case leave the unified ideographs as they are: most of a body.
        var n = ch >= "\u4e00" && ch <= "\u9fff" ? ch : normalise(ch);
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
          var at = holds(plain, w, from);
          if (at === -1) { break; }
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
      rowsReady: rowsReady,
      meta: function () { return meta; },
      query: query,
      prefetch: prefetch,
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
