// A form marked data-confirm asks before it is sent (revoking a token, discarding an import);
// so does a button marked data-confirm-click (a second action of a form, like merging batches).
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = (button && button.dataset && button.dataset.confirmClick) ||
    (event.target.dataset && event.target.dataset.confirm);
  if (question && !window.confirm(question)) event.preventDefault();
});
