// A form marked data-confirm asks before it is sent (revoking a token, discarding an import).
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
