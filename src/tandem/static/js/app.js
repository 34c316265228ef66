// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  function dismissFlashes() {
    document.querySelectorAll(".flash-success").forEach(function (el) {
      window.setTimeout(function () { el.classList.add("fade"); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", dismissFlashes);
  // Buttons with data-confirm ask before a destructive action (the server still requires a POST).
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
