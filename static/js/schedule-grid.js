// The scheduling console's grid opens where the meetings are: a wide grid scrolls sideways (and
// down, when it is taller than its frame) to the first meeting, so tables left empty do not hide
// them. It runs once the page is laid out (window "load": the stylesheet decides the widths), and
// again for a grid that a live message re-renders (htmx:load), which keeps where the person had
// scrolled to instead of jumping back.
(() => {
  let kept = null; // the person's own scroll position, carried across live re-renders

  const firstMeeting = (wrap) => {
    const cell = document.getElementById(wrap.dataset.scrollTo);
    if (!cell) return { left: 0, top: 0 };
    const header = wrap.querySelector("tbody th");
    const head = wrap.querySelector("thead");
    return {
      left: cell.offsetLeft - (header ? header.offsetWidth : 0),
      top: cell.parentElement.offsetTop - (head ? head.offsetHeight : 0),
    };
  };

  const place = (wrap) => {
    if (wrap.dataset.scrolled) return;
    const { left, top } = kept || firstMeeting(wrap);
    wrap.scrollLeft = Math.max(0, left);
    wrap.scrollTop = Math.max(0, top);
    wrap.dataset.scrolled = "1";
    wrap.addEventListener(
      "scroll",
      () => {
        kept = { left: wrap.scrollLeft, top: wrap.scrollTop };
      },
      { passive: true },
    );
  };

  const open = (root) => {
    if (document.readyState !== "complete") return; // the "load" listener will do it
    if (root.matches && root.matches("[data-scroll-to]")) place(root);
    for (const wrap of root.querySelectorAll("[data-scroll-to]")) place(wrap);
  };

  window.addEventListener("load", () => open(document));
  document.addEventListener("htmx:load", (event) => open(event.detail.elt));
})();
