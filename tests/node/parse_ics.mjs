// Parse an iCalendar file with Mozilla's ical.js (as Thunderbird does) and print its events as JSON.
// Usage: node tests/node/parse_ics.mjs FILE   (or "-" / nothing for standard input)
// Every VTIMEZONE in the file is registered first, so times are resolved by the feed's own
// VTIMEZONEs: a missing or wrong one shows up as a wrong UTC instant.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// RFC 7986 NAME and the X-WR names are TEXT (escaped); ical.js's design does not list them.
for (const name of ["name", "x-wr-calname", "x-wr-caldesc"]) {
  ICAL.design.icalendar.property[name] = { defaultType: "text" };
}

const path = process.argv[2] && process.argv[2] !== "-" ? process.argv[2] : 0;
const text = readFileSync(path, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
const vcalendars = root.name === "vcalendar" ? [root] : root.getAllSubcomponents("vcalendar");
if (vcalendars.length !== 1) {
  throw new Error(`expected one VCALENDAR, found ${vcalendars.length}`);
}
const calendar = vcalendars[0];

ICAL.TimezoneService.reset();
const timezones = calendar.getAllSubcomponents("vtimezone").map((vtimezone) => {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  return zone.tzid;
});

function instant(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();
  return time.toJSDate().toISOString();
}

function tzid(property) {
  return property ? property.getParameter("tzid") || null : null;
}

// Occurrences of a recurring event, from its start up to the end of 2030.
function occurrences(event) {
  if (!event.isRecurring()) return [];
  const found = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next && next.year <= 2030; next = iterator.next()) {
    found.push(next.toString());
    if (found.length > 1000) break;
  }
  return found;
}

const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const organizer = vevent.getFirstProperty("organizer");
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: vevent.getFirstPropertyValue("status"),
    sequence: event.sequence,
    start: instant(event.startDate),
    start_tzid: tzid(vevent.getFirstProperty("dtstart")),
    start_zone: event.startDate ? event.startDate.zone.tzid : null,
    end: instant(event.endDate),
    end_tzid: tzid(vevent.getFirstProperty("dtend")),
    url: vevent.getFirstPropertyValue("url"),
    categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues()),
    geo: vevent.getFirstPropertyValue("geo"),
    organizer: organizer ? organizer.getFirstValue() : null,
    organizer_cn: organizer ? organizer.getParameter("cn") || null : null,
    contacts: vevent.getAllProperties("contact").map((p) => p.getFirstValue()),
    rrule: vevent.getFirstPropertyValue("rrule")
      ? vevent.getFirstPropertyValue("rrule").toString()
      : null,
    occurrences: occurrences(event),
    last_modified: instant(vevent.getFirstPropertyValue("last-modified")),
    dtstamp: instant(vevent.getFirstPropertyValue("dtstamp")),
  };
});

const output = {
  name: calendar.getFirstPropertyValue("name"),
  x_wr_calname: calendar.getFirstPropertyValue("x-wr-calname"),
  description: calendar.getFirstPropertyValue("description"),
  refresh_interval: calendar.getFirstPropertyValue("refresh-interval")
    ? calendar.getFirstPropertyValue("refresh-interval").toString()
    : null,
  timezones,
  events,
};
process.stdout.write(JSON.stringify(output));
