// The venue screen: says when it is offline (the board keeps its last content) and catches up
// as soon as a fetch succeeds again (the board is fetched every 30 s and on every live hint).
(function () {
  "use strict";
  function banner(offline) {
    var note = document.getElementById("screen-offline");
    if (!note) return;
    var head = document.querySelector("[data-updated]");
    var stamp = note.querySelector("[data-screen-updated]");
    if (stamp && head) stamp.textContent = head.getAttribute("data-updated");
    note.hidden = !offline;
  }
  document.addEventListener("htmx:sendError", function () { banner(true); });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 404) {
      // Revoked: the screen shows nothing more of the day.
      var board = document.getElementById("screen-board");
      if (board) board.remove();
      var note = document.getElementById("screen-revoked");
      if (note) note.hidden = false;
    }
  });
  document.addEventListener("htmx:wsClose", function () { banner(true); });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "screen-board") banner(false);
  });
  document.addEventListener("htmx:wsOpen", function () {
    // Reconnected: catch up at once rather than at the next tick.
    document.body.dispatchEvent(new Event("screen-changed"));
  });
  window.addEventListener("online", function () {
    document.body.dispatchEvent(new Event("screen-changed"));
  });
})();
