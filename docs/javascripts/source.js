/* Source pages: fetch the published report file and show it line by line, one anchor per line
   (the figures of the site link to #L<n>). Lines are split as the parser splits them, so the
   numbers agree. The text is inserted with textContent only. */
(function () {
  "use strict";
  var BREAKS = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

  function show(text) {
    var main = document.getElementById("src");
    var lines = text.split(BREAKS);
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    var frag = document.createDocumentFragment();
    lines.forEach(function (line, i) {
      var n = String(i + 1);
      var row = document.createElement("div");
      row.className = "l";
      row.id = "L" + n;
      var a = document.createElement("a");
      a.className = "n";
      a.href = "#L" + n;
      a.textContent = n;
      var t = document.createElement("span");
      t.className = "t";
      t.textContent = line || " ";
      row.appendChild(a);
      row.appendChild(t);
      frag.appendChild(row);
    });
    main.textContent = "";
    main.appendChild(frag);
    mark();
  }

  function mark() {
    document.querySelectorAll(".l.target").forEach(function (el) { el.classList.remove("target"); });
    var m = /^#L(\d+)$/.exec(window.location.hash);
    var el = m && document.getElementById("L" + m[1]);
    if (el) {
      el.classList.add("target");
      el.scrollIntoView({ block: "center" });
    }
  }

  function decode(buffer, encoding) {
    try {
      return new TextDecoder(encoding || "utf-8", { fatal: true }).decode(buffer);
    } catch (e) {
      return new TextDecoder("gb18030").decode(buffer);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    fetch(body.getAttribute("data-file"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); })
      .then(function (buf) { show(decode(buf, body.getAttribute("data-encoding"))); })
      .catch(function () { document.getElementById("src").textContent = "源文件无法载入，请使用上方的“下载原始文件”。"; });
    window.addEventListener("hashchange", mark);
  });
})();
