// French for what unfold's scroll areas tell a screen reader (issue 19: SimpleBar labels each one
// "scrollable content"). SimpleBar is loaded at the end of the page and builds its areas when the
// document is loaded; this listener, added earlier, runs first and sets its default label.
document.addEventListener("DOMContentLoaded", function () {
  if (window.SimpleBar && window.SimpleBar.defaultOptions) {
    window.SimpleBar.defaultOptions.ariaLabel = "Contenu défilant";
  }
});
