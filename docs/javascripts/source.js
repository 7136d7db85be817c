/* Source pages: fetch the report's text and show it line by line, one anchor per line (the
   figures of the site link to #L<n>). The site publishes the text already split by the parser's
   own line function, as UTF-8 with one "\n" after every line: line n here is the parser's line n,
   whatever breaks and encoding the original file had. The text is inserted with textContent only.

   PDF and Word reports: the page carries, per figure's line, where the figure was printed
   (#places: its table cell in words, its PDF page); the line in the address shows it beside the
   text. An address #L<n>-C<start>-<end> also highlights the figure's characters in the line (a
   <mark>, scrolled to: a crawled report is often one long line). PDF reports: the page images
   beside the text hold one link per figure's cell
   (.box[data-line]); the one of the line in the address is outlined and scrolled into view. Without
   the script, those links carry the ids L<n> themselves, so the address outlines them by CSS. */
(function () {
  "use strict";

  var places = {};

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

  // Where the line's figure was printed: its PDF page (a link into the PDF) and its table cell.
  function where(place) {
    var span = document.createElement("span");
    span.className = "where";
    if (place.page) {
      var a = document.createElement("a");
      a.href = place.href;
      a.textContent = place.page;
      span.appendChild(a);
    }
    if (place.cell) {
      if (span.firstChild) span.appendChild(document.createTextNode(" · "));
      span.appendChild(document.createTextNode(place.cell));
    }
    return span;
  }

  // Scroll the pane of page images (not the window, where the text line is) to the box.
  function reveal(box) {
    var pane = document.getElementById("pages");
    if (!pane || pane.scrollHeight <= pane.clientHeight) {
      box.scrollIntoView({ block: "nearest" });
      return;
    }
    var b = box.getBoundingClientRect();
    var p = pane.getBoundingClientRect();
    pane.scrollTop += (b.top + b.height / 2) - (p.top + pane.clientHeight / 2);
  }

  // The characters [start, end) of a line's text (counted in code points, as the package counts
  // them) wrapped in <mark>; the mark, or null when the line is shorter.
  function highlight(text, start, end) {
    var chars = Array.from(text.textContent);
    if (!(start < end && end <= chars.length)) return null;
    var mark = document.createElement("mark");
    mark.textContent = chars.slice(start, end).join("");
    text.textContent = "";
    text.appendChild(document.createTextNode(chars.slice(0, start).join("")));
    text.appendChild(mark);
    text.appendChild(document.createTextNode(chars.slice(end).join("")));
    return mark;
  }

  function mark() {
    document.querySelectorAll(".l.target, .box.target").forEach(function (el) { el.classList.remove("target"); });
    document.querySelectorAll(".l .where").forEach(function (el) { el.remove(); });
    document.querySelectorAll(".l .t mark").forEach(function (el) { var t = el.parentNode; t.textContent = t.textContent; });
    // #L<line>, or #L<line>-C<start>-<end>: a figure's characters in its line
    var m = /^#L(\d+)(?:-C(\d+)-(\d+))?$/.exec(window.location.hash);
    if (!m) return;
    var el = document.getElementById("L" + m[1]);
    if (el) {
      el.classList.add("target");
      if (Object.prototype.hasOwnProperty.call(places, m[1])) el.appendChild(where(places[m[1]]));
      var figure = m[2] && el.querySelector(".t") ? highlight(el.querySelector(".t"), Number(m[2]), Number(m[3])) : null;
      (figure || el).scrollIntoView({ block: "center" });
    }
    var box = document.querySelector('.box[data-line="' + m[1] + '"]');
    if (box) {
      box.classList.add("target");
      reveal(box);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var data = document.getElementById("places");
    if (data) {
      try { places = JSON.parse(data.textContent); } catch (e) { places = {}; }
    }
    // the text's lines take the ids L<n>: the boxes keep only their data-line
    document.querySelectorAll(".box[data-line]").forEach(function (box) { box.removeAttribute("id"); });
    mark();
    fetch(body.getAttribute("data-file"))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); })
      .then(function (buf) { show(new TextDecoder("utf-8").decode(buf)); })  // the byte-order mark is dropped
      .catch(function () { document.getElementById("src").textContent = body.getAttribute("data-error"); });
    window.addEventListener("hashchange", mark);
  });
})();
