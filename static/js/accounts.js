// Organisation form: show only the section of the chosen kind (checklist.js filters the long
// territory list). Without JavaScript every section stays visible.
(() => {
  const form = document.querySelector("[data-organisation-form]");
  if (form) {
    const sections = form.querySelectorAll("[data-kind]");
    const update = () => {
      const checked = form.querySelector("input[name=kind]:checked");
      const kind = checked ? checked.value : null;
      sections.forEach((section) => {
        section.hidden = kind !== null && section.dataset.kind !== kind;
      });
    };
    form.addEventListener("change", (event) => {
      if (event.target.name === "kind") update();
    });
    update();
  }
})();
