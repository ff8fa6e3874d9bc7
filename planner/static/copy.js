// Copy buttons: a button with data-copy-target="ID" copies that field's value and says so in the
// nearest .copy-status. The buttons stay hidden without JavaScript (the field can be selected).
(function () {
  "use strict";

  function announce(button, text) {
    var box = button.closest(".copy-box");
    var status = box && box.querySelector(".copy-status");
    if (status) {
      status.textContent = "";
      // A fresh text node after clearing, so screen readers announce a repeated message.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  document.querySelectorAll(".copy-button").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      if (!navigator.clipboard) {
        announce(button, button.getAttribute("data-failed-text"));
        return;
      }
      navigator.clipboard.writeText(field.value).then(
        function () { announce(button, button.getAttribute("data-copied-text")); },
        function () { announce(button, button.getAttribute("data-failed-text")); }
      );
    });
  });
})();
