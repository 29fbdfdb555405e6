// Show upload progress on forms marked data-upload-progress (htmx reports it).
// Without JavaScript the form posts normally and the result page shows the checking progress.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("form[data-upload-progress]") : null;
  if (!form || !event.detail.lengthComputable) return;
  var bar = form.querySelector("progress");
  bar.hidden = false;
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});
