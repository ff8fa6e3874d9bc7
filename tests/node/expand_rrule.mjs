// Expand yearly RRULEs with Mozilla's ical.js (as Thunderbird does) and print the dates as JSON.
// Usage: node tests/node/expand_rrule.mjs < rules.json
// Input: {"until": 2100, "rules": [{"rrule": "FREQ=YEARLY;...", "start": "1990-06-14"}, ...]}
// Output: one entry per rule, in order: {"dates": ["1990-06-14", ...]} or {"error": "..."}.
// The start is an all-day DTSTART, as in /commemorations.ics.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const MAX_DATES = 5000;
const input = JSON.parse(readFileSync(0, "utf8"));

function expand({ rrule, start }) {
  try {
    const recur = ICAL.Recur.fromString(rrule);
    const iterator = recur.iterator(ICAL.Time.fromDateString(start));
    const dates = [];
    for (let next = iterator.next(); next && next.year <= input.until; next = iterator.next()) {
      dates.push(next.toString());
      if (dates.length >= MAX_DATES) break;
    }
    return { dates };
  } catch (error) {
    return { error: String(error) };
  }
}

process.stdout.write(JSON.stringify(input.rules.map(expand)));
