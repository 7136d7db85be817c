/* Source pages: fetch the report's text and show it line by line, one anchor per line (the
   figures of the site link to #L<n>). The site publishes the text already split by the parser's
   own line function, as UTF-8 with one "\n" after every line: line n here is the parser's line n,
   whatever breaks and encoding the original file had. The text is inserted with textContent only. */
(function () {
  "use strict";

  function show(text) {
    var main = document.getElementById("src");
    var lines = text.split("\n");
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

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    fetch(body.getAttribute("data-file"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); })
      .then(function (buf) { show(new TextDecoder("utf-8").decode(buf)); })  // the byte-order mark is dropped
      .catch(function () { document.getElementById("src").textContent = "源文件无法载入，请使用上方的“下载原始文件”。"; });
    window.addEventListener("hashchange", mark);
  });
})();
