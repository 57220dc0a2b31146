// The venue screen.
//
// Fits the board to the screen: nobody scrolls a projector. The tables are cut into pages that
// fill the height exactly and turn every few seconds (the board's data-page-seconds), with
// "Page 2/3" and a bar that fills until the next page; the side (programme, latest changes)
// drops its least useful lines when they cannot all fit (next sessions first, the first change
// last). The board is fetched again every 30 s and on every live hint: the new one is cut again
// and stays on the same page, and the page keeps turning on its own clock. Without JavaScript the
// board is a long page that scrolls.
//
// Says when it is offline (the board keeps its last content) and catches up as soon as a fetch
// succeeds again.
(function () {
  "use strict";
  document.documentElement.classList.add("screen-fit");

  // `seconds` comes from the board (matching/screen.py: PAGE_SECONDS).
  var paging = { page: 0, count: 1, seconds: 10, turnedAt: Date.now(), timer: null };

  function each(list, action) {
    Array.prototype.forEach.call(list, action);
  }

  // --- the tables, a page at a time ------------------------------------------------------------

  // Widths that do not change from page to page: the table column as wide as its widest name
  // over all the rows, then a fixed layout.
  function lockColumns(table) {
    var col = table.querySelector("col");
    table.classList.remove("screen-table-locked");
    if (col) col.style.width = "";
    var head = table.tHead && table.tHead.rows[0] && table.tHead.rows[0].cells[0];
    var widest = head ? head.getBoundingClientRect().width : 0;
    if (col && widest) col.style.width = Math.ceil(widest) + "px";
    table.classList.add("screen-table-locked");
  }

  // Cuts the rows into pages of at most `room` pixels: as few pages as fit, then as even as they
  // can be. A zone's heading never ends a page, and a page that starts inside a zone repeats its
  // heading. Rows are {height, group (a zone's heading), heading (its index, or -1)}.
  function cut(rows, room) {
    function fill(cap) {
      var pageOf = [], carried = {}, page = -1, used = 0, size = 0;
      function open(i) {
        page += 1;
        used = 0;
        size = 0;
        var heading = rows[i].heading;
        if (!rows[i].group && heading >= 0) {
          (carried[heading] = carried[heading] || []).push(page);
          used += rows[heading].height;
        }
      }
      rows.forEach(function (row, i) {
        var following = rows[i + 1];
        var need = row.height + (row.group && following && !following.group ? following.height : 0);
        if (page < 0 || (size && (used + need > room || size >= cap))) open(i);
        pageOf.push(page);
        used += row.height;
        if (!row.group) size += 1;
      });
      return { pageOf: pageOf, carried: carried, count: page + 1 };
    }
    var greedy = fill(Infinity);
    var tables = rows.filter(function (row) { return !row.group; }).length;
    var even = fill(Math.ceil(tables / Math.max(greedy.count, 1)));
    return even.count === greedy.count ? even : greedy;
  }

  function paginate() {
    var box = document.querySelector("[data-screen-pages]");
    if (!box) {
      paging.count = 1;
      paging.page = 0;
      showPage();
      return;
    }
    paging.seconds = parseInt(box.getAttribute("data-page-seconds"), 10) || paging.seconds;
    var table = box.querySelector("table");
    var rows = table.querySelectorAll("tbody tr");
    box.style.height = "";
    each(rows, function (row) { row.hidden = false; });
    lockColumns(table);
    var head = table.tHead ? table.tHead.getBoundingClientRect().height : 0;
    var room = box.clientHeight - head;
    var measured = [], headings = [];
    each(rows, function (row, i) {
      var group = row.hasAttribute("data-screen-group");
      if (group) headings.push({ body: row.parentNode, index: i });
      var last = headings[headings.length - 1];
      measured.push({
        height: row.getBoundingClientRect().height,
        group: group,
        heading: !group && last && last.body === row.parentNode ? last.index : -1,
      });
    });
    var pages = cut(measured, room);
    var heights = [];
    each(rows, function (row, i) {
      var on = [pages.pageOf[i]].concat(pages.carried[i] || []);
      row.setAttribute("data-screen-on-pages", " " + on.join(" ") + " ");
      on.forEach(function (page) { heights[page] = (heights[page] || 0) + measured[i].height; });
    });
    // The board keeps the height of its tallest page, so what is under it does not move.
    box.style.height = Math.ceil(head + Math.max.apply(null, heights)) + "px";
    paging.count = pages.count;
    paging.page = Math.min(paging.page, paging.count - 1);
    showPage();
  }

  function showPage() {
    var page = " " + paging.page + " ";
    each(document.querySelectorAll("[data-screen-pages] tbody tr"), function (row) {
      row.hidden = (row.getAttribute("data-screen-on-pages") || "").indexOf(page) < 0;
    });
    var pager = document.querySelector("[data-screen-pager]");
    if (!pager) return;
    pager.hidden = paging.count < 2;
    pager.querySelector("[data-screen-page]").textContent = paging.page + 1;
    pager.querySelector("[data-screen-page-count]").textContent = paging.count;
    var bar = pager.querySelector("[data-screen-pager-bar]");
    if (bar) {
      // The bar shows the time left on this page, also on a board swapped in mid-page.
      bar.classList.remove("screen-turning");
      void bar.offsetWidth;
      bar.style.animationDuration = paging.seconds + "s";
      bar.style.animationDelay = -(Date.now() - paging.turnedAt) / 1000 + "s";
      bar.classList.add("screen-turning");
    }
  }

  function turn() {
    paging.turnedAt = Date.now();
    if (paging.count > 1) {
      paging.page = (paging.page + 1) % paging.count;
      showPage();
    }
    schedule();
  }

  function schedule() {
    window.clearTimeout(paging.timer);
    paging.timer = window.setTimeout(turn, paging.seconds * 1000);
  }

  // --- the side: what fits ---------------------------------------------------------------------

  // Hides the least useful lines (lowest data-screen-fit first, the last of them first) until
  // nothing in the side goes past its bottom. Sections side by side (a portrait screen) are
  // columns of their own: only the lines of a column that overflows are candidates.
  function fitAside() {
    var aside = document.querySelector("[data-screen-aside]");
    if (!aside) return;
    var lines = aside.querySelectorAll("[data-screen-fit]");
    each(lines, function (line) { line.hidden = false; });
    var sections = aside.children;
    for (var guard = lines.length; guard > 0; guard -= 1) {
      var bottom = aside.getBoundingClientRect().bottom + 0.5;
      var columns = {};
      each(sections, function (section) {
        var box = section.getBoundingClientRect();
        var left = Math.round(box.left);
        columns[left] = columns[left] || box.bottom > bottom;
      });
      var victim = null;
      each(lines, function (line) {
        if (line.hidden) return;
        var section = line.closest("[data-screen-aside] > *");
        if (!columns[Math.round(section.getBoundingClientRect().left)]) return;
        var rank = parseInt(line.getAttribute("data-screen-fit"), 10);
        if (!victim || rank <= parseInt(victim.getAttribute("data-screen-fit"), 10)) victim = line;
      });
      if (!victim) return;
      victim.hidden = true;
    }
  }

  function layout() {
    fitAside();
    paginate();
  }

  // --- offline, revoked, catching up -----------------------------------------------------------

  var revoked = false;

  function banner(offline) {
    var note = document.getElementById("screen-offline");
    if (!note || (offline && revoked)) return;
    var head = document.querySelector("[data-updated]");
    var stamp = note.querySelector("[data-screen-updated]");
    if (stamp && head) stamp.textContent = head.getAttribute("data-updated");
    if (note.hidden !== !offline) {
      note.hidden = !offline;
      layout(); // the banner takes room from the board
    }
  }
  document.addEventListener("htmx:sendError", function () { banner(true); });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 404) {
      // Revoked: the screen shows nothing more of the day (and the server closes its socket:
      // that is not "offline").
      revoked = true;
      var board = document.getElementById("screen-board");
      if (board) board.remove();
      var offline = document.getElementById("screen-offline");
      if (offline) offline.hidden = true;
      var note = document.getElementById("screen-revoked");
      if (note) note.hidden = false;
    }
  });
  document.addEventListener("htmx:wsClose", function () { banner(true); });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "screen-board") {
      layout();
      banner(false);
    }
  });
  // (Re)connected: the server's first frame makes the board fetch itself (core/consumers.py).
  window.addEventListener("online", function () {
    document.body.dispatchEvent(new Event("screen-changed"));
  });

  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(layout, 100);
  });

  function start() {
    layout();
    schedule();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
