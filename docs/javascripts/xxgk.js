/* The site's own behaviour: draw the charts, filter and sort tables, find agencies.
   Everything is built with textContent and DOM nodes: no untrusted string becomes HTML. */
(function () {
  "use strict";

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("figure.xxgk-chart").forEach(function (fig) {
      var target = fig.querySelector(".xxgk-vega");
      var spec = fig.querySelector("script.xxgk-spec");
      if (!target || !spec || target.getAttribute("data-drawn")) return;
      target.setAttribute("data-drawn", "1");
      var options = { actions: false, renderer: "svg", config: window.XXGK_CHART_CONFIG || {} };
      window.vegaEmbed(target, JSON.parse(spec.textContent), options)
        .catch(function (err) { target.textContent = "图表无法显示：" + err.message; });
    });
  }

  function filterTable() {
    var input = document.getElementById("xxgk-filter");
    var table = document.getElementById("xxgk-agencies");
    if (!input || !table) return;
    input.addEventListener("input", function () {
      var q = input.value.trim();
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        tr.style.display = !q || tr.textContent.indexOf(q) >= 0 ? "" : "none";
      });
    });
  }

  function sortTables() {
    document.querySelectorAll("table.xxgk-sortable").forEach(function (table) {
      table.querySelectorAll("thead th").forEach(function (th, col) {
        th.setAttribute("role", "button");
        th.title = "按此列排序";
        th.addEventListener("click", function () {
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var asc = th.getAttribute("data-order") !== "asc";
          th.setAttribute("data-order", asc ? "asc" : "desc");
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

  function search() {
    var input = document.getElementById("xxgk-search");
    var list = document.getElementById("xxgk-results");
    var status = document.getElementById("xxgk-search-status");
    if (!input || !list) return;
    var index = null;
    function show() {
      var q = input.value.trim();
      list.textContent = "";
      if (!index) { status.textContent = "正在载入机关名单…"; return; }
      if (!q) { status.textContent = "共 " + index.length + " 个机关。"; return; }
      var hits = index.filter(function (a) { return a[0].indexOf(q) >= 0; });
      status.textContent = "找到 " + hits.length + " 个机关" + (hits.length > 200 ? "，显示前 200 个" : "") + "。";
      hits.slice(0, 200).forEach(function (a) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = a[1];  // the page's link, made by the site's one mapping of agency ids to file names
        link.textContent = a[0];
        li.appendChild(link);
        if (a[2]) { li.appendChild(document.createTextNode("（" + a[2] + "）")); }
        list.appendChild(li);
      });
    }
    var params = new URLSearchParams(window.location.search);
    if (params.get("q")) input.value = params.get("q");
    input.addEventListener("input", show);
    fetch("search-index.json").then(function (r) { return r.json(); }).then(function (data) { index = data; show(); })
      .catch(function () { status.textContent = "机关名单无法载入。"; });
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    filterTable();
    sortTables();
    search();
  });
})();
