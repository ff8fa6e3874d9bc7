// The subscribe control: a button that copies a feed's address. Without JavaScript the
// address stays in its field, ready to be selected and copied.
(function () {
  "use strict";
  var status = document.querySelector(".feed-copy-status");
  function announce(text) {
    if (status) {
      status.textContent = "";
      // A fresh text node after clearing, so screen readers announce a repeated "Copied".
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }
  document.querySelectorAll(".feed-copy").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      if (!navigator.clipboard) {
        announce(button.getAttribute("data-failed-text"));
        return;
      }
      navigator.clipboard.writeText(field.value).then(
        function () { announce(button.getAttribute("data-copied-text")); },
        function () { announce(button.getAttribute("data-failed-text")); }
      );
    });
  });
})();
