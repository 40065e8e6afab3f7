// The online form's first step: the organisation's fields are shown only when the applicant is an
// organisation, and the person's fieldset is then named as its representative. Without script
// both fieldsets stay visible, each saying when it applies.
document.querySelectorAll("form[data-applicant-kind]").forEach((form) => {
  const organisation = form.querySelector("[data-organisation-fields]");
  const legend = form.querySelector("[data-person-legend]");
  const personText = legend ? legend.textContent : "";
  const update = () => {
    const chosen = form.querySelector('input[name="kind"]:checked');
    const isOrganisation = Boolean(chosen) && chosen.value === "organisation";
    organisation.hidden = !isOrganisation;
    if (legend) legend.textContent = isOrganisation ? legend.dataset.organisationText : personText;
  };
  form.querySelectorAll('input[name="kind"]').forEach((radio) => radio.addEventListener("change", update));
  update();
});
