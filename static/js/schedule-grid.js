// The scheduling console's grid opens where the meetings are: a wide grid scrolls sideways (and
// down, when it is taller than its frame) to the first meeting, so tables left empty do not hide
// them. Runs once when the page opens; live re-renders keep the person's own scrolling.
(() => {
  const open = () => {
    for (const wrap of document.querySelectorAll("[data-scroll-to]")) {
      const cell = document.getElementById(wrap.dataset.scrollTo);
      if (!cell || wrap.dataset.scrolled) continue;
      const header = wrap.querySelector("tbody th");
      const left = cell.offsetLeft - (header ? header.offsetWidth : 0);
      const head = wrap.querySelector("thead");
      const top = cell.parentElement.offsetTop - (head ? head.offsetHeight : 0);
      wrap.scrollLeft = Math.max(0, left);
      wrap.scrollTop = Math.max(0, top);
      wrap.dataset.scrolled = "1";
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", open);
  } else {
    open();
  }
})();
