/* FireGrid page behaviour. No inline scripts (CSP): everything is wired here by class or data-*. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll(".js-autosubmit").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-tree-toggle]");
    if (toggle) {
      var list = toggle.parentElement.querySelector(":scope > .tree-children");
      if (list) {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        toggle.textContent = open ? "▾" : "▸";
        list.hidden = !open;
      }
    }
    if (event.target.closest(".js-print")) {
      window.print();
    }
  });
})();
