// fast-check properties for the iCalendar parser and writer: events built with ical.js
// (any summary/description text, start, an optional rule) survive parse → write → parse
// with the same jCal; arbitrary and mutated input ends in items or a KeepsakeError.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { importICalendar } from '../../main/core/intake/records/icalendar';
import { writeICalendar } from '../../main/core/intake/records/ical-writer';
import { withoutControls } from '../../main/core/intake/records/util';
import { FIXTURES, fixtureFiles, runBytes } from '../unit/intake/records/helpers';

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).map((s) => withoutControls(s, '\n') || 'x');
const rule = fc.constantFrom(null, 'FREQ=DAILY;COUNT=3', 'FREQ=WEEKLY;BYDAY=MO,WE', 'FREQ=MONTHLY;BYMONTHDAY=31', 'FREQ=YEARLY;INTERVAL=2');

describe('iCalendar properties', () => {
  it('parse(write(parse(x))) keeps every entry and its text, time and rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ summary: text, description: text, start: fc.integer({ min: 0, max: 4_000_000_000 }), allDay: fc.boolean(), rrule: rule }), { minLength: 1, maxLength: 4 }),
        async (events) => {
          const cal = new ICAL.Component('vcalendar');
          cal.addPropertyWithValue('version', '2.0');
          events.forEach((e, i) => {
            const ev = new ICAL.Component('vevent');
            ev.addPropertyWithValue('uid', `u${i}`);
            ev.addPropertyWithValue('summary', e.summary);
            ev.addPropertyWithValue('description', e.description);
            const t = ICAL.Time.fromJSDate(new Date(e.start * 1000), true);
            if (e.allDay) t.isDate = true;
            ev.addPropertyWithValue('dtstart', t);
            if (e.rrule) ev.addPropertyWithValue('rrule', ICAL.Recur.fromString(e.rrule));
            cal.addSubcomponent(ev);
          });
          const first = await runBytes(importICalendar, 'a.ics', cal.toString());
          expect(first.error).toBeNull();
          expect(first.items.map((i) => i.title)).toEqual(events.map((e) => e.summary));
          const again = await runBytes(importICalendar, 'b.ics', writeICalendar(first.items));
          expect(again.items.map((i) => i.fields.jcal)).toEqual(first.items.map((i) => i.fields.jcal));
          expect(again.items.map((i) => i.occurredAt)).toEqual(first.items.map((i) => i.occurredAt));
          expect(again.items.map((i) => i.fields.rrule)).toEqual(events.map((e) => e.rrule ?? undefined));
        },
      ),
      // Each run starts up to two expansion workers: few runs by default, more on demand.
      { numRuns: Number(process.env.KEEPSAKE_FUZZ_RUNS ?? 25) },
    );
  }, 180_000);

  it('never throws anything but KeepsakeError on arbitrary text after BEGIN:VCALENDAR', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 800 }), async (s) => {
        await runBytes(importICalendar, 'x.ics', `BEGIN:VCALENDAR\r\n${s}`);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but KeepsakeError on mutated real calendars', async () => {
    const files = fixtureFiles('calendar').map((rel) => readFileSync(join(FIXTURES, rel)));
    await fc.assert(
      fc.asyncProperty(fc.nat(files.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 10 }), fc.option(fc.nat()), async (i, flips, cut) => {
        const b = Buffer.from(files[i]!);
        for (const [pos, v] of flips) if (b.length) b[pos % b.length] = v;
        await runBytes(importICalendar, 'x.ics', cut === null ? b : b.subarray(0, cut % (b.length + 1)));
      }),
      { numRuns: 80 },
    );
  });
});
