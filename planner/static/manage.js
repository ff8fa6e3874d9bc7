// Organiser forms: show the time zone of the chosen venue as soon as it is chosen.
// Without JavaScript the zone is shown after the form is sent, and in each venue's name.
(function () {
  "use strict";
  var select = document.getElementById("venue");
  var output = document.getElementById("venue-zone");
  if (!select || !output) {
    return;
  }
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    var zone = option && option.getAttribute("data-timezone");
    if (zone) {
      output.textContent = zone;
    }
  });
})();

// The planning form: say which languages the title will be published in as titles are typed.
// Without JavaScript the same line is written when the form comes back from the server.
(function () {
  "use strict";
  var line = document.getElementById("published-languages");
  if (!line) {
    return;
  }
  var blocks = Array.prototype.slice.call(document.querySelectorAll(".language-block"));
  function update() {
    var names = [];
    blocks.forEach(function (block) {
      var title = block.querySelector("input[name^='title_']");
      if (title && title.value.trim()) {
        names.push(block.getAttribute("data-language-name"));
      }
    });
    line.textContent = "";
    if (names.length === 0) {
      line.textContent = line.getAttribute("data-none");
      return;
    }
    line.appendChild(document.createTextNode(line.getAttribute("data-prefix") + " "));
    var strong = document.createElement("strong");
    strong.textContent = names.join(", ");
    line.appendChild(strong);
  }
  blocks.forEach(function (block) {
    var title = block.querySelector("input[name^='title_']");
    if (title) {
      title.addEventListener("input", function () {
        block.classList.remove("is-suggested");
        var mark = block.querySelector(".suggestion-mark");
        if (mark) {
          mark.hidden = true;
        }
        update();
      });
    }
  });
})();
