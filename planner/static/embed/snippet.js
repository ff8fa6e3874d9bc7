// "Embed this listing": copy buttons, and the live preview sized to its content.
(function () {
  "use strict";
  if (window.remembrancePlannerSnippetBox) {
    return;
  }
  window.remembrancePlannerSnippetBox = true;

  function announce(button, text) {
    var box = button.closest(".embed-box");
    var status = box && box.querySelector(".embed-copy-status");
    if (status) {
      status.textContent = "";
      // A fresh text node after clearing, so screen readers announce a repeated "Copied".
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  document.querySelectorAll(".embed-copy").forEach(function (button) {
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

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== window.location.origin || !data || typeof data !== "object" ||
        data.type !== "remembrance-planner:height") {
      return;
    }
    document.querySelectorAll("iframe.embed-preview").forEach(function (frame) {
      var height = Number(data.height);
      if (frame.contentWindow === event.source && frame.getAttribute("data-frame") === data.id &&
          height > 0 && height < 20000) {
        frame.style.height = Math.ceil(height) + "px";
      }
    });
  });
})();
