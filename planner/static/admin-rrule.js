// Live check of a commemoration's recurrence rule: asks the server whether the rule is valid
// and shows the next three dates under the field. The form works the same without it.
(function () {
  "use strict";
  var output = document.getElementById("rrule-check");
  var form = output && output.closest("form");
  if (!form) { return; }
  var rrule = form.querySelector("#rrule");
  var month = form.querySelector("#month");
  var day = form.querySelector("#day");
  var timer = null;
  var latest = 0;

  function currentRule() {
    var kind = form.querySelector("input[name=rule_kind]:checked");
    if (kind && kind.value === "date") {
      if (!month.value || !day.value) { return ""; }
      return "FREQ=YEARLY;BYMONTH=" + month.value + ";BYMONTHDAY=" + day.value;
    }
    return rrule.value.trim();
  }

  function show(result) {
    output.textContent = "";
    output.className = "rule-check " + (result.valid ? "rule-ok" : "rule-bad");
    var message = document.createElement("span");
    message.textContent = result.message || result.detail || "";  // problem JSON has a detail
    output.appendChild(message);
    if (result.next && result.next.length) {
      var list = document.createElement("ul");
      result.next.forEach(function (item) {
        var entry = document.createElement("li");
        var time = document.createElement("time");
        time.dateTime = item.date;
        time.textContent = item.label;
        entry.appendChild(time);
        list.appendChild(entry);
      });
      output.appendChild(list);
    }
  }

  function check() {
    var rule = currentRule();
    if (!rule) { output.textContent = ""; return; }
    var ticket = ++latest;
    var url = output.dataset.url + "?rrule=" + encodeURIComponent(rule);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (result) { if (ticket === latest) { show(result); } })
      .catch(function () { output.textContent = ""; });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 300);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  check();
})();
