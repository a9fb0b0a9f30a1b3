// Turns each list named in a form's data-autocomplete into a box to type in, with matching names offered as
// you type (the accessible autocomplete). Without scripts the plain list works as it is.
// A name typed but not chosen from the list is sent as <field>_typed, so the service can say which name
// in its directory was meant instead of only "choose one".
/* global accessibleAutocomplete */

for (const form of document.querySelectorAll("form[data-autocomplete]")) {
  for (const name of form.dataset.autocomplete.split(" ")) {
    const select = form.querySelector(`select[name="${name}"]`);
    if (!select || typeof accessibleAutocomplete === "undefined") continue;
    const chosen = select.options[select.selectedIndex];
    accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      name: `${name}_typed`,
      defaultValue: chosen && chosen.value ? chosen.textContent : form.getAttribute(`data-typed-${name}`) || "",
      autoselect: false,
      showAllValues: false,
      onConfirm: (text) => {
        const match = [...select.options].find((option) => option.value && option.textContent === text);
        select.value = match ? match.value : "";
      },
      tNoResults: () => "No organisation of that name in the directory",
    });
    // Typing after a choice clears it, so what is sent is always what is in the box.
    const input = form.querySelector(`input[name="${name}_typed"]`);
    if (input) {
      input.addEventListener("input", () => {
        const match = [...select.options].find((option) => option.value && option.textContent === input.value);
        select.value = match ? match.value : "";
      });
    }
  }
}
