/* Remembrance Planner embed: <script src=".../embed.js" data-organisation="slug" async></script>
   inserts the listing in a frame right after itself and sizes the frame to its content. */
(function () {
  "use strict";
  var FALLBACK_HEIGHT = 480;
  var MAX_HEIGHT = 20000;
  var MESSAGE = "remembrance-planner:height";
  var OPTIONS = ["organisation", "commemoration", "venue", "country", "lang", "limit", "theme",
    "accent"];
  var LOADER = /\/embed\.js(?:[?#].*)?$/;
  // Shared by every copy of this script on the page: one listener, unique frame names.
  var state = window.remembrancePlannerEmbed;
  if (!state) {
    state = window.remembrancePlannerEmbed = { frames: {}, count: 0 };
    window.addEventListener("message", resize);
  }

  function resize(event) {
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== MESSAGE) {
      return;
    }
    var entry = Object.prototype.hasOwnProperty.call(state.frames, data.id) && state.frames[data.id];
    // Only our own origin, and only the frame this message names.
    if (!entry || event.origin !== entry.origin || event.source !== entry.frame.contentWindow) {
      return;
    }
    var height = Number(data.height);
    if (!(height > 0)) {
      return;
    }
    entry.frame.style.height = Math.min(Math.ceil(height), MAX_HEIGHT) + "px";
    if (typeof data.title === "string" && data.title) {
      entry.frame.title = data.title.slice(0, 200);
    }
  }

  function insert(script) {
    if (script.getAttribute("data-embedded") || !LOADER.test(script.src)) {
      return;
    }
    script.setAttribute("data-embedded", "true");
    var url = new URL(script.src, document.baseURI);
    url.pathname = url.pathname.replace(/embed\.js$/, "embed/events");
    url.hash = "";
    var params = new URLSearchParams();
    OPTIONS.forEach(function (name) {
      var value = script.getAttribute("data-" + name);
      if (value) {
        params.set(name, value);
      }
    });
    state.count += 1;
    var id = "remembrance-planner-" + state.count + "-" + Math.random().toString(36).slice(2, 8);
    params.set("frame", id);
    url.search = params.toString();

    var frame = document.createElement("iframe");
    frame.className = "remembrance-planner-embed";
    frame.title = script.getAttribute("data-title") || "Remembrance events";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("width", "100%");
    frame.setAttribute("height", String(FALLBACK_HEIGHT));
    frame.style.border = "0";
    frame.style.padding = "0";
    frame.style.boxSizing = "content-box";
    frame.style.display = "block";
    frame.style.width = "100%";
    // Until (unless) the listing reports its height, a fixed height it can scroll in.
    frame.style.height = FALLBACK_HEIGHT + "px";
    frame.src = url.toString();
    state.frames[id] = { frame: frame, origin: url.origin };
    script.parentNode.insertBefore(frame, script.nextSibling);
  }

  function address(script) {
    var url = new URL(script.src, document.baseURI);
    return url.origin + url.pathname;
  }

  var current = document.currentScript;
  var own = current && current.src ? address(current) : null;
  if (current) {
    insert(current);
  }
  // Async tags for the same script may share one run: take every such tag not yet done (ours
  // only, not another site's script that happens to be called embed.js).
  Array.prototype.forEach.call(document.querySelectorAll("script[src]"), function (script) {
    if (own === null || address(script) === own) {
      insert(script);
    }
  });
})();
