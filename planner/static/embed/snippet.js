// "Embed this listing": the live preview sized to its content (copy.js copies the code).
(function () {
  "use strict";
  if (window.remembrancePlannerSnippetBox) {
    return;
  }
  window.remembrancePlannerSnippetBox = true;

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
