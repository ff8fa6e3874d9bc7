// Copy buttons: a button with data-copy-target="ID" copies that field's value and says so in
// the [data-copy-status] of its [data-copy-box] (the invitation link, the subscribe control,
// the embed code). The buttons stay hidden without JavaScript (the field can be selected).
(function () {
  "use strict";
  if (window.remembrancePlannerCopyButtons) {
    return;
  }
  window.remembrancePlannerCopyButtons = true;

  function announce(button, text) {
    var box = button.closest("[data-copy-box]");
    var status = box && box.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = "";
      // A fresh text node after clearing, so screen readers announce a repeated message.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
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
