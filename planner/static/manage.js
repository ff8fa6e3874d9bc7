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
