// Organisation form: show only the section of the chosen kind; filter the long territory list.
// Without JavaScript every section and the whole list stay visible.
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

  document.querySelectorAll("[data-checklist-filter]").forEach((input) => {
    const list = document.getElementById(input.dataset.checklistFilter);
    if (!list) return;
    input.closest(".checklist-filter").hidden = false;
    const normalise = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    input.addEventListener("input", () => {
      const term = normalise(input.value.trim());
      list.querySelectorAll("li").forEach((item) => {
        const box = item.querySelector("input");
        item.hidden = term !== "" && !(box && box.checked) && !normalise(item.textContent).includes(term);
      });
      list.querySelectorAll(".checklist-group").forEach((group) => {
        group.hidden = !group.querySelector("li:not([hidden])");
      });
    });
    // Enter in the filter must not submit the form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  });
})();
