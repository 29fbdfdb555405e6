// Behaviour pages ask for with data- attributes, so that no page needs inline script (Content-Security-Policy).
// data-print on a button prints the page; data-confirm="question" on a form asks before it is sent.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) window.print();
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// The header's menu folds on a phone: the button says whether it is open; the page's own layout decides when
// the button shows (banso.css), so on a wide screen the menu is simply there.
(function () {
  var toggle = document.querySelector("[data-menu-toggle]");
  if (!toggle) return;
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  toggle.hidden = false;
  document.documentElement.classList.add("has-menu-toggle");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("site-menu--open", open);
  });
})();
