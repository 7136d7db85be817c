/* Agency search over the index in search/ (written by xxgk/site/search.py, which describes its
   files): the manifest once, then only the postings and record chunks a query needs. A query is
   words; each must match: Han characters (or letters, digits) in order, pinyin syllables in order
   (the last may be begun: "pingt"), or a region code's first digits. Results are built with
   textContent only: no string of the index ever becomes HTML. */
(function () {
  "use strict";

  var LIMIT = 200;            // results shown
  var ENOUGH = 2;             // record chunks so few that more postings would not pay
  var MAX_KEYS = 4;           // postings lists read per query at most
  var BIG = 30000;            // a key held by more agencies is read only if it is the rarest
  var MAX_RECORD_CHUNKS = 48; // record chunks read per query at most (~15 KB each, ~5 KB compressed)
  var BATCH = 4;              // record chunks fetched at once
  var LETTERS = /[^\p{L}\p{N}]+/gu;

  /* As search.py's norm: NFKC, lower case, letters and digits only. */
  function norm(s) { return (s || "").normalize("NFKC").toLowerCase().replace(LETTERS, ""); }

  function inOrder(text, chars) {
    var i = 0;
    for (var c of text) { if (c === chars[i]) i++; if (i === chars.length) return true; }
    return chars.length === 0;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) i++; else if (a[i] > b[j]) j++; else { out.push(a[i]); i++; j++; }
    }
    return out;
  }

  function Searcher(load) {
    this.load = load;  // a file of the index by name → Promise of its JSON
    this.ready = null;
  }

  Searcher.prototype.start = function () {
    var self = this;
    if (!this.ready) {
      this.ready = this.load("manifest.json").then(function (m) {
        self.n = m.n; self.rc = m.rc; self.regions = m.g;
        self.chars = new Map(Object.entries(m.c));
        self.syllables = new Map();
        self.readings = new Map();  // character → its syllables
        self.begun = new Set();     // every beginning of a syllable
        Object.keys(m.p).forEach(function (s) {
          var entry = m.p[s];
          self.syllables.set(s, entry);
          for (var c of entry[2]) { if (!self.readings.has(c)) self.readings.set(c, []); self.readings.get(c).push(s); }
          for (var k = 1; k <= s.length; k++) self.begun.add(s.slice(0, k));
        });
        self.regionTexts = new Map();
        return self;
      });
    }
    return this.ready;
  };

  /* A region's names from province down, a name repeating its parent's left out, normalised. */
  Searcher.prototype.regionText = function (g) {
    if (g < 0) return { shown: "", text: "" };
    if (!this.regionTexts.has(g)) {
      var names = [];
      for (var j = g; j >= 0; j = this.regions[j][2]) {
        if (!names.length || names[0] !== this.regions[j][1]) names.unshift(this.regions[j][1]);
      }
      this.regionTexts.set(g, { shown: names.join(""), text: norm(names.join("")) });
    }
    return this.regionTexts.get(g);
  };

  /* A Latin word as pinyin syllables, fewest first; the last may be a syllable begun. */
  Searcher.prototype.segment = function (word) {
    if (!/^[a-z]+$/.test(word)) return null;
    var n = word.length, best = new Array(n + 1).fill(null);
    best[n] = [];
    for (var i = n - 1; i >= 0; i--) {
      for (var j = Math.min(n, i + 6); j > i; j--) {
        var piece = word.slice(i, j), whole = this.syllables.has(piece);
        if (!best[j] || !(whole || (j === n && this.begun.has(piece)))) continue;
        if (!best[i] || best[j].length + 1 < best[i].length) best[i] = [{ s: piece, whole: whole }].concat(best[j]);
      }
    }
    return best[0];
  };

  /* The query's words, each with the index keys it needs. */
  Searcher.prototype.plan = function (query) {
    var self = this;
    return (query || "").normalize("NFKC").toLowerCase().split(LETTERS).filter(Boolean).map(function (w) {
      if (/^\d{2,6}$/.test(w)) {
        var ranges = self.regions.filter(function (g) { return g[0].startsWith(w); }).map(function (g) { return [g[3], g[4]]; });
        if (ranges.length) return { kind: "code", word: w, ranges: ranges, keys: [] };
      }
      var syllables = self.segment(w);
      if (syllables) {
        return { kind: "pinyin", word: w, syllables: syllables,
                 keys: syllables.filter(function (x) { return x.whole; }).map(function (x) { return "p" + x.s; }) };
      }
      return { kind: "chars", word: w, chars: Array.from(w), keys: Array.from(new Set(w)).map(function (c) { return "c" + c; }) };
    });
  };

  Searcher.prototype.postings = function (key) {
    var entry = key[0] === "c" ? this.chars.get(key.slice(1)) : this.syllables.get(key.slice(1));
    return entry ? { key: key, chunk: entry[0], count: entry[1] } : null;
  };

  Searcher.prototype.chunksOf = function (ids) {
    var n = 0, last = -1;
    for (var a of ids) { var c = Math.floor(a / this.rc); if (c !== last) { n++; last = c; } }
    return n;
  };

  /* 0: the syllables are read from adjacent characters of `text`; 1: in order; -1: neither. */
  Searcher.prototype.pinyin = function (text, syllables) {
    var self = this, chars = Array.from(text);
    var reads = function (c, want) {
      var rs = self.readings.get(c);
      return !!rs && rs.some(function (r) { return want.whole ? r === want.s : r.startsWith(want.s); });
    };
    for (var start = 0; start + syllables.length <= chars.length; start++) {
      if (syllables.every(function (want, k) { return reads(chars[start + k], want); })) return 0;
    }
    var i = 0;
    for (var c of chars) { if (reads(c, syllables[i])) i++; if (i === syllables.length) return 1; }
    return -1;
  };

  /* How well a record answers the query (0 best), or -1: every word must match. */
  Searcher.prototype.tier = function (record, words) {
    var name = norm(record[0]), region = this.regionText(record[2]).text;
    var others = (record[4] || []).map(norm);
    var texts = [region + name].concat(others.map(function (o) { return region + o; }));
    var worst = 0, self = this;
    for (var w of words) {
      var t = -1;
      if (w.kind === "code") t = 1;  // the candidates are already those of its regions
      else if (w.kind === "chars") {
        if (name.includes(w.word)) t = 0;
        else if (region.includes(w.word) || others.some(function (o) { return o.includes(w.word); })) t = 1;
        else if (inOrder(name, w.chars)) t = 2;
        else if (texts.some(function (x) { return inOrder(x, w.chars); })) t = 3;
      } else {
        var p = Math.min.apply(null, texts.map(function (x) { var m = self.pinyin(x, w.syllables); return m < 0 ? 9 : m; }));
        if (p < 9) t = 4 + p + (self.pinyin(name, w.syllables) === p ? 0 : 2);  // name before region, adjacent before apart
      }
      if (t < 0) return -1;
      worst = Math.max(worst, t);
    }
    return worst;
  };

  /* The agencies that match `query`: { hits: [{name, link, region, years}] (at most LIMIT, best
     first), total: matches found, complete: whether every candidate was checked }. */
  Searcher.prototype.find = async function (query) {
    await this.start();
    var words = this.plan(query), self = this;
    var none = { hits: [], total: 0, complete: true };
    if (!words.length) return none;
    var keys = [], seen = new Set();
    for (var w of words) for (var k of w.keys) if (!seen.has(k)) { seen.add(k); keys.push(self.postings(k)); }
    if (keys.some(function (k) { return !k; })) return none;  // a character or syllable no agency has
    keys.sort(function (a, b) { return a.count - b.count || (a.key < b.key ? -1 : 1); });
    var candidates = null;
    for (var i = 0; i < keys.length && i < MAX_KEYS; i++) {
      if (candidates && (this.chunksOf(candidates) <= ENOUGH || keys[i].count > BIG)) break;
      var ids = [], id = 0;
      for (var d of (await this.load("p" + keys[i].chunk + ".json"))[keys[i].key.slice(1)]) { id += d; ids.push(id); }
      candidates = candidates ? intersect(candidates, ids) : ids;
    }
    for (var cw of words.filter(function (x) { return x.kind === "code"; })) {
      var inside = function (a) { return cw.ranges.some(function (r) { return a >= r[0] && a < r[1]; }); };
      if (candidates) candidates = candidates.filter(inside);
      else { candidates = []; for (var a = 0; a < this.n; a++) if (inside(a)) candidates.push(a); }
    }
    if (!candidates) return { hits: [], total: 0, complete: false };  // only a syllable begun
    // agencies of a region the query names are read first: a province has thousands
    var named = this.regions.filter(function (g) {
      return words.some(function (x) { return x.kind === "chars" && norm(g[1]).includes(x.word); });
    });
    var inNamed = function (a) { return named.some(function (g) { return a >= g[3] && a < g[4]; }); };
    var order = named.length ? candidates.filter(inNamed).concat(candidates.filter(function (a) { return !inNamed(a); })) : candidates;
    var chunks = [], chunkSeen = new Set(), candidateSet = new Set(candidates);
    for (var c of order) {
      var ch = Math.floor(c / this.rc);
      if (!chunkSeen.has(ch)) { chunkSeen.add(ch); chunks.push(ch); }
    }
    var hits = [], read = 0;
    while (read < chunks.length && read < MAX_RECORD_CHUNKS && hits.length < LIMIT) {
      var batch = chunks.slice(read, Math.min(read + BATCH, MAX_RECORD_CHUNKS));
      var loaded = await Promise.all(batch.map(function (b) { return self.load("r" + b + ".json"); }));
      batch.forEach(function (b, j) {
        loaded[j].forEach(function (record, off) {
          var agency = b * self.rc + off;
          if (!candidateSet.has(agency)) return;
          var tier = self.tier(record, words);
          if (tier >= 0) hits.push({ tier: tier, id: agency, record: record });
        });
      });
      read += batch.length;
    }
    hits.sort(function (x, y) { return x.tier - y.tier || (x.record[0] || "").length - (y.record[0] || "").length || x.id - y.id; });
    return {
      total: hits.length, complete: read >= chunks.length,
      hits: hits.slice(0, LIMIT).map(function (x) {
        return { name: x.record[0], link: x.record[1], region: self.regionText(x.record[2]).shown || "", years: x.record[3] || "" };
      }),
    };
  };

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (_, k) { return k in values ? String(values[k]) : ""; });
  }

  function attach() {
    var box = document.getElementById("xxgk-search-page");
    var input = document.getElementById("xxgk-search");
    var list = document.getElementById("xxgk-results");
    var status = document.getElementById("xxgk-search-status");
    if (!box || !input || !list || !status) return;
    var say = function (key, values) { status.textContent = fill(box.getAttribute("data-" + key), values || {}); };
    var folder = box.getAttribute("data-index");
    var cache = new Map();
    var searcher = new Searcher(function (name) {
      if (!cache.has(name)) {
        cache.set(name, fetch(folder + name).then(function (r) {
          if (!r.ok) throw new Error(name + ": " + r.status);
          return r.json();
        }));
      }
      return cache.get(name);
    });
    var asked = 0;
    function show() {
      var q = input.value.trim(), mine = ++asked;
      var url = new URL(window.location.href);
      if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url);
      if (!q) {
        list.textContent = "";
        searcher.start().then(function () { if (mine === asked) say("count", { count: searcher.n }); }).catch(function () { say("error"); });
        return;
      }
      say("loading");
      searcher.find(q).then(function (found) {
        if (mine !== asked) return;  // a newer query is on its way
        list.textContent = "";
        found.hits.forEach(function (a) {
          var li = document.createElement("li");
          var link = document.createElement("a");
          link.href = a.link;  // made by the site's one mapping of agency ids to pages (agency_href)
          link.textContent = a.name;
          li.appendChild(link);
          var parts = [a.region, a.years].filter(Boolean);
          if (parts.length) {
            var small = document.createElement("small");
            small.textContent = fill(box.getAttribute("data-detail"), { text: parts.join(box.getAttribute("data-sep") || " ") });
            li.appendChild(small);
          }
          list.appendChild(li);
        });
        var values = { count: found.total, shown: found.hits.length };
        if (!found.total) say(found.complete ? "none" : "type-more");
        else say(found.complete ? (found.total > found.hits.length ? "found-some" : "found") : "found-many", values);
      }).catch(function () { if (mine === asked) say("error"); });
    }
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(show, 120); });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
    show();
  }

  if (typeof module === "object" && module.exports) module.exports = { Searcher: Searcher, norm: norm, LIMIT: LIMIT };
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attach);
  else attach();
})();
