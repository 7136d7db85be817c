/* The site's own behaviour: link the figures to their source lines, draw the charts, filter and sort tables.
   Everything is built with textContent and DOM nodes: no untrusted string becomes HTML. */
(function () {
  "use strict";

  // Vega (~900 KB) is fetched only by a page that draws a chart, after the page is shown.
  var here = document.currentScript ? document.currentScript.src : "";

  function loadScript(name) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = new URL(name, here || window.location.href).href;
      s.onload = resolve;
      s.onerror = function () { reject(new Error(name)); };
      document.head.appendChild(s);
    });
  }

  // A chart a page carries in compact form (charts.compact): its whole spec made from the shared
  // templates of charts-config.js, as charts.expand makes it in Python.
  function expandChart(small, title, description) {
    var c = window.XXGK_CHARTS;
    var spec = JSON.parse(JSON.stringify(c.templates[small.kind]));
    var fields = c.fields[small.kind];
    spec.data = { values: small.values.map(function (row) {
      var o = {};
      fields.forEach(function (f, i) { o[f] = row[i]; });
      return o;
    }) };
    if (small.kind === "bar") spec.encoding.x.title = small.unit;
    spec.usermeta = { title: title, description: description };
    spec.description = c.titled.replace("{title}", function () { return title; })
      .replace("{description}", function () { return description; });
    return spec;
  }

  function chartSpec(fig) {
    var full = fig.querySelector("script.xxgk-spec");
    if (full) return JSON.parse(full.textContent);
    var small = fig.querySelector("script.xxgk-small");
    if (!small) return null;
    var caption = fig.querySelector("figcaption");
    var title = caption.querySelector("strong"), description = caption.querySelector("span");
    return expandChart(JSON.parse(small.textContent), title ? title.textContent : "", description ? description.textContent : "");
  }
  window.xxgkChartSpec = chartSpec;

  // What a compact chart's figure gets once it is drawn (charts.render_small_chart; a chart in
  // full carries it all): the drawing is an image named by the caption, and the table of its
  // numbers under it.
  function dataTable(fig) {
    var small = fig.querySelector("script.xxgk-small");
    var target = fig.querySelector(".xxgk-vega");
    if (!small || !target || fig.querySelector("details.xxgk-chart-data")) return;
    var caption = fig.querySelector("figcaption");
    if (caption) {
      caption.id = caption.id || (fig.id || "chart") + "-c";
      target.setAttribute("aria-labelledby", caption.id);
    }
    target.setAttribute("role", "img");
    var details = document.createElement("details");
    details.className = "xxgk-chart-data";
    var summary = document.createElement("summary");
    summary.textContent = window.XXGK_CHARTS.data;
    details.appendChild(summary);
    fig.appendChild(details);
    var wrap = document.createElement("div");
    wrap.className = "xxgk-table-wrap";
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    var data = JSON.parse(small.textContent);
    var columns = window.XXGK_CHARTS.columns[data.kind].concat(data.kind === "bar" ? [data.unit] : []);
    columns.forEach(function (name) {
      var th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.values.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (v) {
        var td = tr.insertCell();
        td.textContent = v === null ? "—" : String(v);  // null: a year with no figure (a gap in a trend)
        if (typeof v === "number") td.className = "num";
      });
    });
    wrap.appendChild(table);
    details.appendChild(wrap);
  }

  var vegaReady = null;

  // A chart in the page's own colours (its text's, on no background of its own): dark where the
  // page is dark, whichever way it became so (the reader's system, the theme's switch).
  function pageColours(fig, config) {
    var fg = getComputedStyle(fig).color;
    var faint = fg.replace(/^rgba?\(([^,]+),([^,]+),([^,)]+).*$/, "rgba($1,$2,$3,0.25)");
    var out = Object.assign({}, config, { background: "transparent" });
    out.axis = Object.assign({}, config.axis, { labelColor: fg, titleColor: fg, domainColor: faint, tickColor: faint, gridColor: faint });
    out.legend = Object.assign({}, config.legend, { labelColor: fg, titleColor: fg });
    out.title = Object.assign({}, config.title, { color: fg });
    out.view = Object.assign({}, config.view, { stroke: faint });
    return out;
  }

  function drawChart(fig) {
    var target = fig.querySelector(".xxgk-vega");
    if (!target || target.getAttribute("data-drawn")) return;
    target.setAttribute("data-drawn", "1");
    vegaReady = vegaReady || (typeof window.vegaEmbed === "function" ? Promise.resolve()
      : loadScript("charts-config.js").then(function () { return loadScript("vega.js"); }));
    vegaReady.then(function () {
      dataTable(fig);
      var spec = chartSpec(fig);
      if (!spec) return;
      // the picture made at build time (picture.py) gives way to the chart, and comes back if it fails
      var picture = target.querySelector(".xxgk-picture");
      if (picture) picture.remove();
      var options = { actions: false, renderer: "svg", config: pageColours(fig, window.XXGK_CHART_CONFIG || {}) };
      return window.vegaEmbed(target, spec, options)
        .catch(function (err) {
          target.textContent = (window.XXGK_CHARTS || {}).error + err.message;
          if (picture) target.appendChild(picture);
        });
    }).catch(function () { fig.classList.add("xxgk-chart-off"); });
  }

  // A chart is its picture (made at build time: picture.py) until the reader points at it,
  // taps it or focuses in it: then Vega (~900 KB, fetched only then) draws it, with its
  // tooltips. No page loads a chart script to show its charts.
  function drawCharts() {
    var events = ["pointerover", "touchstart", "focusin", "click"];
    document.querySelectorAll("figure.xxgk-chart").forEach(function (fig) {
      var draw = function () {
        events.forEach(function (type) { fig.removeEventListener(type, draw); });
        drawChart(fig);
      };
      events.forEach(function (type) { fig.addEventListener(type, draw, { passive: true }); });
    });
  }

  // A report table's rows name their source line (data-l; data-d: the k-th figure is on line +
  // k·d) unless on the line after the previous row's (tables.py: Tables.tr; data-l="": none), a
  // figure read from elsewhere its own: each label (a th of the row other than a rowgroup's
  // header) and figure becomes a link to its line on the report's source page. Where the row
  // names where its figures lie in their lines (tables.py: Tables.chars; data-c: the first one's
  // start, data-g: the gap from one's end to the next one's start), a figure links to its
  // characters, #L<line>-C<start>-<end>, which the source page highlights: it starts at the
  // previous figure's end plus the gap (the row's start for the first, and for each of a row
  // printed one figure a line) and ends after its number, unless it says its own data-c
  // ("start" or "start-end"; "" for none). A row's data-d and data-c (with its data-g) are the
  // previous row's of its tbody unless it says them (data-d="0", data-c="": none).
  function linkFigures() {
    document.querySelectorAll("[data-src] table.xxgk-report tbody").forEach(function (tbody) {
      var src = tbody.closest("[data-src]").getAttribute("data-src");
      var rowLine = "", step = 0, first = null, gap = 0;
      function link(cell, line, range) {
        if (!line || cell.querySelector("a")) return;
        var a = document.createElement("a");
        a.href = src + "#L" + line + range;
        while (cell.firstChild && !(cell.firstChild.classList && cell.firstChild.classList.contains("xxgk-flag"))) {
          a.appendChild(cell.firstChild);
        }
        cell.insertBefore(a, cell.firstChild);
      }
      Array.prototype.forEach.call(tbody.rows, function (tr) {
        var own = tr.getAttribute("data-l");
        rowLine = own !== null ? own : (rowLine ? String(Number(rowLine) + 1) : "");
        tr.querySelectorAll("th:not([scope])").forEach(function (th) { link(th, rowLine, ""); });
        if (tr.hasAttribute("data-d")) step = Number(tr.getAttribute("data-d"));
        if (tr.hasAttribute("data-c")) {
          first = tr.getAttribute("data-c") || null;
          gap = Number(tr.getAttribute("data-g") || 0);
        }
        var end = null;
        tr.querySelectorAll("td").forEach(function (td, k) {
          var line = td.getAttribute("data-l") || (rowLine && step ? String(Number(rowLine) + k * step) : rowLine);
          if (td.classList.contains("absent")) return;
          var range = "";
          if (first !== null && !td.classList.contains("blank") && !td.classList.contains("unresolved")) {
            var mine = td.getAttribute("data-c");
            var size = td.firstChild && td.firstChild.nodeType === 3 ? td.firstChild.nodeValue.length : 0;
            var m = /^(\d+)(?:-(\d+))?$/.exec(mine || "");
            var start = m ? Number(m[1]) : (mine === "" ? null : (end === null || step ? Number(first) : end + gap));
            if (start !== null) {
              end = m && m[2] ? Number(m[2]) : start + size;
              range = "-C" + start + "-" + end;
            }
          }
          link(td, line, range);
        });
      });
    });
  }

  // The rows of a list of agencies, narrowed by the words typed and, on the agency list, by the
  // region chosen (a row's data-r names its regions' pages); the region's own page is linked.
  function filterTable() {
    var input = document.getElementById("xxgk-filter");
    var table = document.getElementById("xxgk-agencies");
    var box = document.querySelector(".xxgk-region-filter");
    var select = document.getElementById("xxgk-region");
    function apply() {
      if (!table) return;
      var q = input ? input.value.trim() : "", r = select ? select.value : "";
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var inRegion = !r || (" " + (tr.getAttribute("data-r") || "") + " ").indexOf(" " + r + " ") >= 0;
        tr.style.display = inRegion && (!q || tr.textContent.indexOf(q) >= 0) ? "" : "none";
      });
    }
    if (input) input.addEventListener("input", apply);
    if (!box || !select) return;
    var link = document.getElementById("xxgk-region-link");
    box.hidden = false;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      link.hidden = !select.value;
      if (select.value) {
        link.href = box.getAttribute("data-href").replace("{page}", select.value);
        link.textContent = box.getAttribute("data-go").replace("{name}", option.textContent);
      }
      apply();
    });
  }

  // A sortable column's heading holds a button (reached and pressed from the keyboard like any
  // other); the heading says how the table is sorted (aria-sort).
  function sortTables() {
    document.querySelectorAll("table.xxgk-sortable").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      heads.forEach(function (th, col) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "xxgk-sort";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        th.setAttribute("aria-sort", "none");
        button.addEventListener("click", function () {
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var asc = th.getAttribute("data-order") !== "asc";
          th.setAttribute("data-order", asc ? "asc" : "desc");
          heads.forEach(function (other) { if (other !== th) { other.setAttribute("aria-sort", "none"); other.removeAttribute("data-order"); } });
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          rows.sort(function (a, b) {
            var x = a.cells[col].textContent, y = b.cells[col].textContent;
            var nx = parseFloat(x), ny = parseFloat(y);
            var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, "zh");
            return asc ? c : -c;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      });
    });
  }

  // A page of findings narrowed to one kind: the template's arithmetic, a severity or a code (the
  // codes listed from the page itself); a report none of whose findings is of that kind is hidden.
  function filterFindings() {
    var box = document.querySelector(".xxgk-quality-filter");
    if (!box) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("section.xxgk-q tbody tr"));
    var codeOf = function (tr) { return tr.cells[0].textContent.trim(); };
    var arithmetic = box.getAttribute("data-arithmetic-codes").split(" ");
    var options = [["", box.getAttribute("data-all")], ["arithmetic", box.getAttribute("data-arithmetic")]];
    JSON.parse(box.getAttribute("data-severities")).forEach(function (s) { options.push(["s:" + s[0], s[1]]); });
    Array.from(new Set(rows.map(codeOf))).sort().forEach(function (c) { options.push(["c:" + c, c]); });
    var select = document.createElement("select");
    select.id = "xxgk-quality-filter";
    options.forEach(function (o) {
      var opt = document.createElement("option");
      opt.value = o[0];
      opt.textContent = o[1];
      select.appendChild(opt);
    });
    var label = document.createElement("label");
    label.htmlFor = select.id;
    label.textContent = box.getAttribute("data-label");
    var shown = document.createElement("span");
    shown.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(select);
    box.appendChild(shown);
    select.addEventListener("change", function () {
      var v = select.value, n = 0;
      rows.forEach(function (tr) {
        var code = codeOf(tr);
        var keep = !v || (v === "arithmetic" ? arithmetic.indexOf(code) >= 0
          : v.slice(0, 2) === "s:" ? tr.getAttribute("data-s") === v.slice(2) : code === v.slice(2));
        tr.hidden = !keep;
        n += keep ? 1 : 0;
      });
      document.querySelectorAll("section.xxgk-q").forEach(function (section) {
        section.hidden = !section.querySelector("tbody tr:not([hidden])");
      });
      shown.textContent = v ? box.getAttribute("data-shown").replace("{shown}", n).replace("{count}", rows.length) : "";
    });
  }

  // The citation's package date: one shared file (javascripts/package.js), not in every page,
  // whose bytes then change only with the agency's own data.
  function packageDate() {
    var spans = document.querySelectorAll(".xxgk-package-date");
    if (!spans.length) return;
    loadScript("package.js").then(function () {
      var text = (window.XXGK_PACKAGE || {}).text || "";
      spans.forEach(function (span) { span.textContent = text; });
    }).catch(function () {});
  }

  // Reporting an error in one figure (only where the page names a repository: data-repo): a
  // button turns every figure of the report tables into a link to a pre-filled issue (its report,
  // codes from its table's data-k, value and source line), and back into a link to its line.
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  // A table's codes by their places in the codes table's order, runs as ranges (tables.spans).
  function places(text) {
    var out = [];
    (text || "").split(",").forEach(function (run) {
      if (!run) return;
      var ends = run.split("-").map(Number);
      for (var i = ends[0]; i <= ends[ends.length - 1]; i++) out.push(i);
    });
    return out;
  }

  function reportErrors() {
    var box = document.querySelector(".xxgk-issue[data-repo]");
    if (!box) return;
    loadScript("package.js").then(function () { issueButton(box, window.XXGK_PACKAGE); }).catch(function () {});
  }

  function issueButton(box, words) {
    if (!words || !words.issue || !words.codes) return;
    var heading = document.querySelector("h1");
    var attr = function (name) {
      if (name === "agency") return heading ? heading.textContent.trim() : "";
      return box.getAttribute("data-" + name) || words.issue[name] || "";
    };
    var button = document.createElement("button");
    button.type = "button";
    button.className = "xxgk-issue-toggle";
    button.textContent = attr("toggle");
    button.setAttribute("aria-pressed", "false");
    var hint = document.createElement("small");
    hint.id = "xxgk-issue-hint";
    hint.textContent = attr("hint");
    button.setAttribute("aria-describedby", hint.id);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(button);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(hint);
    var page = window.location.href.split("#")[0];
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      document.querySelector("main").classList.toggle("xxgk-reporting", on);
      document.querySelectorAll(".xxgk-report-tables[data-r]").forEach(function (div) {
        var report = div.getAttribute("data-r"), year = div.getAttribute("data-y");
        div.querySelectorAll("table.xxgk-report[data-k]").forEach(function (table) {
          var k = table.getAttribute("data-k").split(" ");
          var order = words.codes[k[0]] || { rows: [], columns: [] };
          var rows = places(k[1]).map(function (i) { return order.rows[i]; });
          var cols = places(k[2]).map(function (i) { return order.columns[i]; });
          var trs = table.tBodies.length ? table.tBodies[0].rows : [];
          Array.prototype.forEach.call(trs, function (tr, i) {
            var heads = tr.querySelectorAll("th:not([scope])");
            var name = heads.length ? heads[heads.length - 1].textContent.trim() : "";
            tr.querySelectorAll("td").forEach(function (td, j) {
              if (td.classList.contains("absent") || !cols.length) return;
              var a = td.querySelector("a");
              if (!on) {
                if (a && a.hasAttribute("data-line")) a.setAttribute("href", a.getAttribute("data-line"));
                else if (a) a.removeAttribute("href");
                return;
              }
              var row = trs.length === 1 && rows.length > 1 ? rows[Math.floor(j / cols.length)] : rows[i];
              var figure = name + " (" + k[0] + "/" + row + "/" + cols[j % cols.length] + ")";
              var values = { agency: attr("agency"), id: attr("id"), year: year, report: report, figure: figure,
                             value: td.textContent.replace("\u26a0", "").trim(), page: page, source: "—" };
              if (!a) {  // a figure of a report without a source page: no link to its line to keep
                a = document.createElement("a");
                while (td.firstChild && !(td.firstChild.classList && td.firstChild.classList.contains("xxgk-flag"))) a.appendChild(td.firstChild);
                td.insertBefore(a, td.firstChild);
              } else if (!a.hasAttribute("data-line") && a.hasAttribute("href")) {
                a.setAttribute("data-line", a.getAttribute("href"));  // its link to its line, given back when done
              }
              if (a.hasAttribute("data-line")) values.source = new URL(a.getAttribute("data-line"), page).href;
              a.href = attr("repo") + "/issues/new?title=" + encodeURIComponent(fill(attr("title"), values)) +
                "&body=" + encodeURIComponent(fill(attr("body"), values));
              a.rel = "nofollow";
            });
          });
        });
      });
    });
  }

  // A Markdown table wider than the page scrolls in the theme's wrapper: one that scrolls is
  // reached from the keyboard (a region named by the heading above it), as wrappers of our own
  // tables are (xxgk-table-wrap with tabindex).
  function scrollersReachable() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.hasAttribute("tabindex") || wrap.scrollWidth <= wrap.clientWidth) return;
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      var heading = wrap.previousElementSibling;
      while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
      var name = heading ? heading.textContent.replace("\u00b6", "").trim() : document.title;
      wrap.setAttribute("aria-label", name);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollersReachable();
    window.addEventListener("resize", scrollersReachable);
    filterFindings();
    linkFigures();
    drawCharts();
    filterTable();
    sortTables();
    packageDate();
    reportErrors();
  });
})();
