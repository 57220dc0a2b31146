// Formsets (a pitch's lots and questions): "Add a lot" adds a row in place from the formset's
// empty form, kept in a <template>. Without JavaScript the same button submits the form and the
// server answers with the page as typed plus one empty row (pitches/views.py).
(() => {
  document.querySelectorAll("[data-formset]").forEach((formset) => {
    const prefix = formset.dataset.formset;
    const total = formset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const max = formset.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`);
    const template = formset.querySelector("template[data-formset-empty]");
    const rows = formset.querySelector("[data-formset-rows]");
    const button = formset.querySelector("[data-formset-add]");
    const status = formset.querySelector("[data-formset-status]");
    if (!total || !template || !rows || !button) return;
    const full = () => max && Number(total.value) >= Number(max.value);
    const update = () => {
      button.hidden = full();
    };
    button.addEventListener("click", (event) => {
      event.preventDefault();
      if (full()) return;
      const index = Number(total.value);
      const row = template.content.firstElementChild.cloneNode(true);
      row.querySelectorAll("[id], [for], [name], [aria-describedby]").forEach((element) => {
        for (const attribute of ["id", "for", "name", "aria-describedby"]) {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replaceAll("__prefix__", index));
        }
      });
      rows.append(row);
      total.value = index + 1;
      update();
      if (status) status.textContent = status.dataset.added;
      const first = row.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
    });
    update();
  });
})();
