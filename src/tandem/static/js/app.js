// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  function dismissFlashes() {
    document.querySelectorAll(".flash-success").forEach(function (el) {
      window.setTimeout(function () { el.classList.add("fade"); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", dismissFlashes);
  // Close an open navigation menu when clicking elsewhere or pressing Escape.
  function closeMenus(except) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest("details.navgroup"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeMenus(null); }
  });
  // "Export to Excel" links follow the list's filters once htmx has changed them (and the
  // address bar) without reloading the page head.
  function refreshExportLinks() {
    var params = new URLSearchParams(window.location.search);
    params.delete("page");
    var search = params.toString();
    document.querySelectorAll("a[data-export]").forEach(function (link) {
      link.setAttribute("href", link.getAttribute("data-export") + (search ? "?" + search : ""));
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", refreshExportLinks);
  document.addEventListener("htmx:historyRestore", refreshExportLinks);
  // Buttons with data-confirm ask before a destructive action (the server still requires a POST).
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
