// Expands an iCalendar document (stdin) the way Thunderbird and Nextcloud Calendar do, with ical.js:
// prints the occurrences that start in [from, until) as JSON (uid, summary, start and end in UTC).
// Usage: node expand.mjs <ical.js/dist/ical.js> 2027-01-01T00:00:00Z 2028-01-01T00:00:00Z < feed.ics
// (the module's path is given because it is installed outside the tree, where ESM imports do not look)
import { pathToFileURL } from "node:url";

const [module, ...window] = process.argv.slice(2);
const ICAL = (await import(pathToFileURL(module).href)).default;

const [from, until] = window.map((text) => new Date(text));
let text = "";
for await (const chunk of process.stdin) text += chunk;

const root = new ICAL.Component(ICAL.parse(text));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone)); // what both clients do with embedded zones
}
const found = [];
const keep = (event, start, end) => {
  const [s, e] = [start.toJSDate(), end.toJSDate()];
  if (s >= from && s < until) found.push({ uid: event.uid, summary: event.summary, start: s.toISOString(), end: e.toISOString() });
};
for (const component of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  if (!event.isRecurring()) {
    keep(event, event.startDate, event.endDate);
    continue;
  }
  const iterator = event.iterator();
  for (let next = iterator.next(); next && next.toJSDate() < until; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    keep(event, details.startDate, details.endDate);
  }
}
process.stdout.write(JSON.stringify(found));
