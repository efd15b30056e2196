// Worker thread: expands recurring calendar components with ical.js, away from the main
// thread, because a hostile RRULE can spin inside one ical.js step (ical.js #509, #318;
// RELIABILITY row 26). The parent kills this worker after a time budget; it posts one
// result per component as it goes, so whatever finished before the cut-off is kept.
// Plain JavaScript on purpose: a worker cannot load TypeScript without a loader.
import { parentPort, workerData } from 'node:worker_threads';
import ICAL from 'ical.js';

const { text, maxInstances, horizonMs } = workerData;
const root = new ICAL.Component(ICAL.parse(text));
for (const tz of root.getAllSubcomponents('vtimezone')) {
  try {
    ICAL.TimezoneService.register(tz);
  } catch {
    // An unreadable VTIMEZONE leaves its times floating; the event is still kept.
  }
}
const comps = root.getAllSubcomponents().filter((c) => c.name === 'vevent' || c.name === 'vtodo');
comps.forEach((comp, index) => {
  if (!comp.hasProperty('rrule') && !comp.hasProperty('rdate')) return;
  const occurrences = [];
  let truncated = false;
  try {
    const event = new ICAL.Event(comp);
    const start = event.startDate;
    if (!start) return;
    const startMs = start.toUnixTime() * 1000;
    const it = event.iterator();
    for (let next = it.next(); next; next = it.next()) {
      const ms = next.toUnixTime() * 1000;
      if (!Number.isFinite(ms)) break;
      if (ms - startMs > horizonMs) {
        truncated = true;
        break;
      }
      occurrences.push(ms);
      if (occurrences.length >= maxInstances) {
        truncated = !!it.next();
        break;
      }
    }
    parentPort.postMessage({ index, occurrences, truncated });
  } catch (e) {
    parentPort.postMessage({ index, occurrences, truncated: true, error: String(e && e.message ? e.message : e) });
  }
});
parentPort.postMessage({ done: true });
