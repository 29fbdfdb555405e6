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
