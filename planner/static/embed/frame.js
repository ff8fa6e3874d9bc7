// Tells the page that frames this listing how tall it is, so the frame fits its content.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var root = document.documentElement;
  var id = root.getAttribute("data-frame") || "";
  var last = -1;

  function report() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) {
      return;
    }
    last = height;
    // The height is not secret; the parent checks that the message comes from our origin.
    window.parent.postMessage(
      { type: "remembrance-planner:height", height: height, id: id, title: document.title },
      "*"
    );
  }

  if ("ResizeObserver" in window) {
    new ResizeObserver(report).observe(root);
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  report();
})();
