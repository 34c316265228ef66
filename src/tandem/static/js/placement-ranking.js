// Ranking pages: students' lists of positions and hosts' rankings of applicants.
// Every page works without this file: the buttons post forms and the ranks can be typed in.
(function () {
  "use strict";
  document.documentElement.classList.add("js-ranking");

  // A refused change (409 / 422) comes back as the list with the reason: show it in place
  // (htmx leaves error responses unswapped by default).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (target && target.closest && target.closest("[data-ranking]") &&
        (status === 409 || status === 422)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Number the rows 1, 2, 3… in their order on the page; excluded rows get no rank.
  function renumber(tbody) {
    var next = 1;
    tbody.querySelectorAll("tr").forEach(function (row) {
      var rank = row.querySelector(".rank-input");
      var excluded = row.querySelector(".exclude-input");
      if (!rank) { return; }
      if (excluded && excluded.checked) {
        rank.value = "";
      } else {
        rank.value = String(next);
        next += 1;
      }
    });
  }

  function setUp() {
    document.querySelectorAll("tbody[data-sortable]").forEach(function (tbody) {
      if (tbody.dataset.ready) { return; }
      tbody.dataset.ready = "1";
      if (window.Sortable) {
        window.Sortable.create(tbody, {
          handle: ".drag-handle",
          animation: 150,
          ghostClass: "is-dragging",
          onEnd: function () { renumber(tbody); }
        });
      }
      tbody.addEventListener("change", function (event) {
        var box = event.target.closest(".exclude-input");
        if (box) { box.closest("tr").classList.toggle("is-excluded", box.checked); }
      });
    });
    document.querySelectorAll("[data-renumber]").forEach(function (button) {
      if (button.dataset.ready) { return; }
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var tbody = button.closest("form").querySelector("tbody[data-sortable]");
        if (tbody) { renumber(tbody); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSwap", setUp);
})();
