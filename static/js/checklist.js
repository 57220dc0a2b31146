// Long checklists (territories): a filter box over the checkboxes and a line naming what is
// chosen, so a phone never has to scroll a 130-item list. Without JavaScript the whole list stays
// visible and works as it is. Used by the organisation and pitch forms (TerritoryChecklist).
(() => {
  const normalise = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

  document.querySelectorAll("[data-checklist-filter]").forEach((input) => {
    const list = document.getElementById(input.dataset.checklistFilter);
    if (!list) return;
    const box = input.closest(".checklist-filter");
    box.hidden = false;
    const summary = box.querySelector("[data-checklist-summary]");
    const empty = box.querySelector("[data-checklist-empty]");

    const showChosen = () => {
      if (!summary) return;
      const chosen = [...list.querySelectorAll("input:checked")].map((checkbox) =>
        checkbox.closest("label").textContent.trim(),
      );
      summary.textContent = chosen.length
        ? `${summary.dataset.chosen} ${chosen.join(", ")}`
        : summary.dataset.none;
    };

    // Chosen items stay in view; "no match" speaks of the items the search itself finds.
    const filter = () => {
      const term = normalise(input.value.trim());
      let matches = 0;
      list.querySelectorAll("li").forEach((item) => {
        const checkbox = item.querySelector("input");
        const match = term === "" || normalise(item.textContent).includes(term);
        if (match) matches += 1;
        item.hidden = !match && !(checkbox && checkbox.checked);
      });
      list.querySelectorAll(".checklist-group").forEach((group) => {
        group.hidden = !group.querySelector("li:not([hidden])");
      });
      if (empty) empty.hidden = matches > 0;
    };

    input.addEventListener("input", filter);
    // Enter in the filter must not submit the form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
    list.addEventListener("change", showChosen);
    showChosen();
  });
})();
