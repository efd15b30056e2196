// iCalendar fixtures (calendar/): every file imported with its entry count and the
// summaries, times (time zones, all-day), recurrence rules and occurrences it holds;
// Google's empty EXDATE and Exchange's spaced BYDAY are repaired and reported, and
// hostile recurrence rules are bounded while the raw RRULE is kept.
import { describe, expect, it } from 'vitest';
import { importICalendar } from '../../../../main/core/intake/records/icalendar';
import { fieldsOf, fixtureFiles, runBytes, runFixture } from './helpers';

type EventFields = { component: string; summary: string; allDay: boolean; start?: string; tzid?: string; rrule?: string; exdate?: string[]; occurrences?: number[]; occurrencesTruncated?: boolean; prodid?: string; location?: string; uid?: string; floating?: boolean; jcal: unknown; calendar?: string; attendees?: string[]; organizer?: string };

const COUNTS: Record<string, number> = {
  'ical4j__EXDATE.ics': 1,
  'ical4j__OZMovies.ics': 186, // 182 VEVENT + 4 VTODO
  'ical4j__Session6.ics': 1,
  'ical4j__Standup.ics': 1,
  'ical4j__apple-iphone-os-26-structured-location.ics': 1,
  'ical4j__calconnect.ics': 1,
  'ical4j__google_aus_holidays.ics': 96,
  'ical4j__korganizer_sample.ics': 2,
  'icalendar__alarm_etar_future.ics': 1,
  'icalendar__alarm_google_future.ics': 1,
  'icalendar__alarm_thunderbird_future.ics': 1,
  'icalendar__bom_calendar.ics': 0,
  'icalendar__event_with_recurrence_exdates_on_different_lines.ics': 1,
  'icalendar__issue_165_missing_event.ics': 1,
  'icalendar__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics': 1,
  'icalendar__issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics': 1,
  'icalendar__issue_836_do_not_quote_tzid.ics': 1,
  'icalendar__parsing_error.ics': 2,
  'icalendar__property_params.ics': 1,
  'icalendar__x_location.ics': 1,
  'pyvobj__ms_tzid.ics': 1,
  'pyvobj__tzid_8bit.ics': 1,
};

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('iCalendar fixtures', () => {
  it('covers every file in calendar/ and imports each with its entry count', async () => {
    const files = fixtureFiles('calendar');
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(Object.keys(COUNTS).sort());
    for (const rel of files) {
      const out = await runFixture(importICalendar, rel);
      expect(out.error, rel).toBeNull();
      expect(out.items.length, rel).toBe(COUNTS[rel.split('/').pop()!]);
      for (const i of out.items) expect(i.category).toBe('event');
    }
  });

  it('resolves a VTIMEZONE from the file, expands COUNT with EXDATEs and keeps the raw rule', async () => {
    const { items } = await runFixture(importICalendar, 'calendar/ical4j__EXDATE.ics');
    const f = fieldsOf<EventFields>(items[0]);
    expect(items[0]!.title).toBe('Repeating Event');
    expect(f.tzid).toBe('Australia/Brisbane');
    expect(iso(items[0]!.occurredAt)).toBe('2006-01-01T02:00:00.000Z'); // 12:00 at +10:00
    expect(f.rrule).toBe('FREQ=DAILY;INTERVAL=1;COUNT=7');
    expect(f.occurrences).toHaveLength(5); // 7 minus 2 EXDATEs
    expect(f.occurrencesTruncated).toBe(false);
    expect(f.calendar).toBe('EXDATE Example');
  });

  it('reads all-day Google holidays, repairs DATE values written with a TZID, and bounds yearly rules', async () => {
    const out = await runFixture(importICalendar, 'calendar/ical4j__google_aus_holidays.ics');
    expect(out.refusals).toEqual([]);
    const christmas = out.items.find((i) => i.title === 'Christmas')!;
    const f = fieldsOf<EventFields>(christmas);
    expect(f.allDay).toBe(true);
    expect(f.start).toBe('2004-12-25');
    expect(f.rrule).toBe('FREQ=YEARLY');
    expect(f.occurrences!.length).toBeGreaterThan(40);
    expect(f.occurrencesTruncated).toBe(true);
  });

  it('drops an empty EXDATE value with a refusal and keeps both events (Google parsing_error)', async () => {
    const out = await runFixture(importICalendar, 'calendar/icalendar__parsing_error.ics');
    expect(out.items.map((i) => i.title)).toEqual(['Perfectly OK event', 'Wrong event']);
    expect(out.refusals).toEqual([{ position: 'line 19', reason: expect.stringMatching(/EXDATE .* no value/) }]);
    for (const i of out.items) expect(fieldsOf<EventFields>(i).occurrences).toHaveLength(20); // 21 days minus 1 EXDATE
  });

  it('reads Exchange TZIDs with slashes and spaces and a BYDAY list with spaces', async () => {
    const { items } = await runFixture(importICalendar, 'calendar/icalendar__issue_165_missing_event.ics');
    const f = fieldsOf<EventFields>(items[0]);
    expect(items[0]!.title).toBe('Sprint 25 Daily Standup');
    expect(f.tzid).toBe('GMT +0100 (Standard) / GMT +0200 (Daylight)');
    expect(iso(items[0]!.occurredAt)).toBe('2015-07-03T08:00:00.000Z');
    expect(f.rrule).toBe('FREQ=DAILY;UNTIL=20150722T080000Z;INTERVAL=1;BYDAY=MO, TU, WE, TH, FR;WKST=SU'); // kept as written; expanded repaired
    expect(f.occurrences).toHaveLength(14);
  });

  it('uses IANA names through Intl when the file has no VTIMEZONE, and keeps Windows names floating', async () => {
    const vienna = await runFixture(importICalendar, 'calendar/icalendar__event_with_recurrence_exdates_on_different_lines.ics');
    const f = fieldsOf<EventFields>(vienna.items[0]);
    expect(iso(vienna.items[0]!.occurredAt)).toBe('2012-03-27T08:00:00.000Z'); // 10:00 CEST
    expect(f.exdate).toHaveLength(5);
    expect(iso(f.occurrences![1])).toBe('2012-04-24T08:00:00.000Z'); // 3 April to 17 April excluded
    const windows = await runFixture(importICalendar, 'calendar/icalendar__issue_836_do_not_quote_tzid.ics');
    expect(fieldsOf<EventFields>(windows.items[0]).tzid).toBe('Eastern Standard Time');
    expect(fieldsOf<EventFields>(windows.items[0]).floating).toBeUndefined(); // its VTIMEZONE is in the file
  });

  it('handles a non-ASCII TZID, a BOM-only calendar, and free/busy', async () => {
    const tz = await runFixture(importICalendar, 'calendar/icalendar__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics');
    expect(fieldsOf<EventFields>(tz.items[0]).tzid).toBe('(UTC-03:00) Brasília');
    expect(iso(tz.items[0]!.occurredAt)).toBe('2017-05-11T16:30:00.000Z');
    const bom = await runFixture(importICalendar, 'calendar/icalendar__bom_calendar.ics');
    expect(bom.error).toBeNull();
    expect(bom.items).toEqual([]);
    const fb = await runFixture(importICalendar, 'calendar/icalendar__issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics');
    expect(fieldsOf<EventFields>(fb.items[0]).component).toBe('VFREEBUSY');
    expect(JSON.stringify(fieldsOf<EventFields>(fb.items[0]).jcal)).toContain('2012-01-03T09:15:00Z');
  });

  it('keeps alarms, X- properties and PRODID (Thunderbird, Apple structured location)', async () => {
    const tb = await runFixture(importICalendar, 'calendar/icalendar__alarm_thunderbird_future.ics');
    const jcal = JSON.stringify(fieldsOf<EventFields>(tb.items[0]).jcal);
    expect(jcal).toContain('valarm');
    expect(jcal).toContain('x-moz-');
    expect(fieldsOf<EventFields>(tb.items[0]).prodid).toMatch(/Mozilla/);
    const apple = await runFixture(importICalendar, 'calendar/ical4j__apple-iphone-os-26-structured-location.ics');
    expect(apple.items[0]!.title).toBe('Antrag auf ID Austria');
    expect(JSON.stringify(fieldsOf<EventFields>(apple.items[0]).jcal)).toContain('x-apple-structured-location');
    expect(iso(apple.items[0]!.occurredAt)).toBe('2026-05-22T08:30:00.000Z');
  });

  it('reads quoted CN parameters and all-day dates from a BlackBerry invitation', async () => {
    const { items } = await runFixture(importICalendar, 'calendar/icalendar__property_params.ics');
    const f = fieldsOf<EventFields>(items[0]);
    expect(items[0]!.title).toBe('Test meeting from BB');
    expect(f.allDay).toBe(true);
    expect(f.start).toBe('2012-08-14');
    expect(f.uid).toBe('XRIMCAL-628059586-522954492-9750559');
    expect(f.attendees?.length).toBeGreaterThan(0);
  });

  it('leaves out a malformed EXDATE/RDATE/ATTENDEE value and keeps the event (found by the fuzzer)', async () => {
    const out = await runBytes(
      importICalendar,
      'bad-date.ics',
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:u1', 'DTSTART:20240101T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'EXDATE:20240102T1000 0Z', 'RDATE:2024 0105T100000Z', 'SUMMARY:Still here', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
    );
    expect(out.error).toBeNull();
    expect(out.items.map((i) => i.title)).toEqual(['Still here']);
  });

  it('gives stable source keys: UID plus RECURRENCE-ID, or the content', async () => {
    const a = await runFixture(importICalendar, 'calendar/ical4j__korganizer_sample.ics');
    const b = await runFixture(importICalendar, 'calendar/ical4j__korganizer_sample.ics');
    expect(a.items.map((i) => i.sourceKey)).toEqual(b.items.map((i) => i.sourceKey));
    const override = await runBytes(
      importICalendar,
      'o.ics',
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:u1', 'DTSTART:20240101T100000Z', 'RRULE:FREQ=DAILY;COUNT=3', 'SUMMARY:Series', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:u1', 'RECURRENCE-ID:20240102T100000Z', 'DTSTART:20240102T120000Z', 'SUMMARY:Moved', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'),
    );
    expect(override.items.map((i) => i.title)).toEqual(['Series', 'Moved']);
    expect(override.items[0]!.sourceKey).not.toBe(override.items[1]!.sourceKey);
    expect(fieldsOf<EventFields & { recurrenceId: string }>(override.items[1]).recurrenceId).toBe('2024-01-02T10:00:00Z');
  });
});
