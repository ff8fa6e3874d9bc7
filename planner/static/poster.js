// The poster's print button: shown only where a script can print; without it, the browser's
// own Print command does the same.
"use strict";
for (const button of document.querySelectorAll(".print-button")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
