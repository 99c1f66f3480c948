// The approval register (intranet): filters by section, year, step and signer, and
// pages of PAGE_SIZE rows. Without script, and when printed, every row shows.
(function () {
  "use strict";
  var PAGE_SIZE = 20;
  var form = document.querySelector(".register-filter");
  var pager = document.querySelector(".register-pages");
  if (!form || !pager) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.register tbody tr"));
  var label = pager.querySelector(".register-page-label");
  var status = form.querySelector(".filter-status");
  var page = 0;

  function has(row, attribute, value) {
    return !value || row.getAttribute(attribute).split("|").indexOf(value) !== -1;
  }

  function matching() {
    var f = form.elements;
    return rows.filter(function (row) {
      return has(row, "data-section", f.section.value) && has(row, "data-year", f.year.value) &&
        has(row, "data-steps", f.step.value) && has(row, "data-signers", f.signer.value);
    });
  }

  function show() {
    var shown = matching();
    var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    page = Math.min(page, pages - 1);
    var onPage = shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    rows.forEach(function (row) { row.classList.toggle("off-page", onPage.indexOf(row) === -1); });
    status.textContent = "共 " + shown.length + " 项";
    label.textContent = "第 " + (page + 1) + " / " + pages + " 页";
    pager.hidden = pages === 1;
    pager.querySelector('[data-page="prev"]').disabled = page === 0;
    pager.querySelector('[data-page="next"]').disabled = page === pages - 1;
  }

  form.addEventListener("change", function () { page = 0; show(); });
  pager.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    page += button.getAttribute("data-page") === "next" ? 1 : -1;
    show();
  });
  form.hidden = false;
  show();
})();
