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

// The period grid (data-grid): Enter goes to the next row's box instead of sending the form, and a column pasted
// from Excel (one value per line) fills this box and the ones below it.
(function () {
  var grid = document.querySelector("[data-grid]");
  if (!grid) return;
  function cells() {
    return Array.prototype.slice.call(grid.querySelectorAll("input[data-grid-cell]"));
  }
  grid.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.hasAttribute("data-grid-cell")) return;
    event.preventDefault();
    var all = cells();
    var next = all[all.indexOf(event.target) + (event.shiftKey ? -1 : 1)];
    if (next) { next.focus(); next.select(); }
  });
  grid.addEventListener("focusin", function (event) {
    if (event.target.hasAttribute("data-grid-cell")) event.target.select();  // typing replaces, as in a spreadsheet
  });
  grid.addEventListener("paste", function (event) {
    if (!event.target.hasAttribute("data-grid-cell") || !event.clipboardData) return;
    var text = event.clipboardData.getData("text/plain").replace(/\r/g, "").replace(/\n$/, "");
    if (text.indexOf("\n") < 0 && text.indexOf("\t") < 0) return;  // one value: the browser pastes it
    event.preventDefault();
    var all = cells();
    var start = all.indexOf(event.target);
    text.split("\n").forEach(function (line, offset) {
      var box = all[start + offset];
      if (box) box.value = line.split("\t")[0].trim();  // the first column of each pasted row
    });
  });
})();

// A part of a page asked for by htmx comes back as a whole page only when the request was sent elsewhere (the
// sign-in page after the session ended, the second factor): that page is not put inside this one.
document.addEventListener("htmx:beforeSwap", function (event) {
  var text = event.detail.serverResponse || "";
  if (/^\s*<!doctype html/i.test(text)) event.detail.shouldSwap = false;
});
