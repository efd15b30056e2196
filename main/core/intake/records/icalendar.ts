// iCalendar (.ics) → event items, with ical.js doing the parsing (RFC 5545 folding,
// escaping, VTIMEZONE, all-day dates, RRULE/EXDATE/RDATE/RECURRENCE-ID) and our code
// doing what ical.js leaves to its caller: a BOM before BEGIN:VCALENDAR, one bad value
// (an empty EXDATE from Google Calendar) that would fail the whole file, and bounded
// recurrence expansion. Every component is kept whole as jCal in fields (so X- properties,
// alarms and the raw RRULE survive); expansion only adds fields.occurrences.
//
// Expansion runs in a worker thread with an instance cap, a time horizon and a wall-clock
// budget (ical-expand-worker.mjs): FREQ=SECONDLY forever stops at the cap, a rule that
// spins inside ical.js is cut off by killing the worker. Either way the event is stored
// with its RRULE intact and fields.occurrencesTruncated = true.
import { Worker } from 'node:worker_threads';
import ICAL from 'ical.js';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedItem } from '../types';
import { hashKey, readAll, validTime } from './util';

const MAX_ICS_BYTES = 64 * 1024 * 1024;
export const EXPANSION_LIMITS = { maxInstances: 1000, horizonMs: 50 * 365.25 * 24 * 3600 * 1000, budgetMs: 2000 };

type Comp = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;

interface Expansion {
  occurrences: number[];
  truncated: boolean;
  error?: string;
}

/**
 * Repairs what real exporters write and ical.js refuses, each repair reported:
 * an empty date value (Google's "EXDATE;VALUE=DATE:"), a bare date without VALUE=DATE
 * (Google's "DTSTART;TZID=…:20041225"), spaces inside an RRULE list (Exchange's
 * "BYDAY=MO, TU"). Works on unfolded lines; ical.js accepts unfolded text.
 */
function repair(text: string, ctx: ImportContext, rawRules: string[][]): string {
  const physical = text.split(/\r?\n/);
  const logical: Array<{ line: string; at: number }> = [];
  physical.forEach((line, i) => {
    const last = logical[logical.length - 1];
    if (last && (line.startsWith(' ') || line.startsWith('\t'))) last.line += line.slice(1);
    else logical.push({ line, at: i + 1 });
  });
  const out: string[] = [];
  const open: string[] = [];
  for (const { line, at } of logical) {
    // Remember each entry's RRULE lines exactly as written (ical.js normalises them).
    const begin = /^BEGIN:(\S+)/i.exec(line)?.[1]?.toUpperCase();
    if (begin) {
      open.push(begin);
      if (ENTRY_KINDS.has(begin)) rawRules.push([]);
    } else if (/^END:/i.test(line)) open.pop();
    else if (/^RRULE[;:]/i.test(line) && ENTRY_KINDS.has(open[open.length - 1] ?? '')) rawRules[rawRules.length - 1]?.push(line.replace(/^RRULE[^:]*:/i, ''));
    const m = /^(EXDATE|RDATE|DTSTART|DTEND|DUE|RECURRENCE-ID)((?:;[^:]*)?):(.*)$/i.exec(line);
    if (m) {
      const [, name, params = '', value = ''] = m;
      if (value.trim() === '') {
        ctx.refuse(`line ${at}`, `The ${name!.toUpperCase()} on this line has no value and was left out; the entry was kept.`);
        continue;
      }
      if (/^\d{8}(,\d{8})*$/.test(value.trim()) && !/;VALUE=DATE(;|$)/i.test(params)) {
        out.push(`${name};VALUE=DATE${params.replace(/;TZID=("[^"]*"|[^;]*)/i, '')}:${value.trim()}`);
        continue;
      }
    }
    // Rules are short; the length guard keeps these regexes off hostile megabyte lines.
    if (line.length < 2000 && /^(RRULE|EXRULE)[;:]/i.test(line) && /[;=,]\s+|\s+[,;]/.test(line)) {
      out.push(line.replace(/\s*([;=,])\s*/g, '$1'));
      continue;
    }
    out.push(line);
  }
  return out.join('\r\n');
}

/** Wall-clock time in an IANA zone → ms since the epoch, or undefined if the zone is unknown. */
export function ianaWallClockToUtc(t: { year: number; month: number; day: number; hour: number; minute: number; second: number }, zone: string): number | undefined {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return undefined;
  }
  const offsetAt = (ms: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second)) - ms;
  };
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const first = wall - offsetAt(wall);
  return validTime(wall - offsetAt(first));
}

const ENTRY_KINDS = new Set(['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY']);

function timeMs(t: Time | null | undefined): number | undefined {
  if (!t) return undefined;
  try {
    return validTime(t.toUnixTime() * 1000);
  } catch {
    return undefined;
  }
}

// ical.js parses a property's value only when it is read, and throws a plain Error on a
// malformed one (an EXDATE of " 0"): such a value is left out, the rest of the event kept.
function propValues(comp: Comp, name: string): string[] {
  return comp.getAllProperties(name).flatMap((p) => {
    try {
      return p.getValues().map((v) => String(v));
    } catch {
      return [];
    }
  });
}

function firstString(comp: Comp, name: string): string | undefined {
  try {
    const v = comp.getFirstPropertyValue(name);
    return v === null || v === undefined ? undefined : String(v);
  } catch {
    return undefined;
  }
}

/** Expands recurring components in a worker with a time budget; keyed by component index. */
export async function expandInWorker(text: string, limits = EXPANSION_LIMITS): Promise<{ results: Map<number, Expansion>; cutOff: boolean }> {
  const results = new Map<number, Expansion>();
  const worker = new Worker(new URL('./ical-expand-worker.mjs', import.meta.url), {
    workerData: { text, maxInstances: limits.maxInstances, horizonMs: limits.horizonMs },
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  return await new Promise((resolve) => {
    let settled = false;
    const finish = (cutOff: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve({ results, cutOff });
    };
    const timer = setTimeout(() => finish(true), limits.budgetMs);
    worker.on('message', (m: { done?: boolean; index?: number } & Expansion) => {
      if (m.done) finish(false);
      else if (typeof m.index === 'number') results.set(m.index, { occurrences: m.occurrences, truncated: m.truncated, ...(m.error ? { error: m.error } : {}) });
    });
    worker.on('error', () => finish(true));
    worker.on('exit', () => finish(true));
  });
}

/** The importer: one .ics file → one item per VEVENT / VTODO / VJOURNAL / VFREEBUSY. */
export async function* importICalendar(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const bytes = await readAll(input, MAX_ICS_BYTES, 'calendar file');
  let text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  if (/^\s*BEGIN:(VEVENT|VTODO|VJOURNAL)/i.test(text)) text = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${text.trim()}\r\nEND:VCALENDAR\r\n`; // a bare component, as some tools export one event
  if (!/^\s*BEGIN:VCALENDAR/i.test(text)) throw new KeepsakeError('UNSUPPORTED', 'This file does not start with BEGIN:VCALENDAR, so it is not an iCalendar file.');
  const rawRules: string[][] = [];
  text = repair(text, ctx, rawRules);
  let root: Comp;
  try {
    const parsed = ICAL.parse(text) as unknown;
    // A file with several VCALENDARs parses to an array; take them all.
    const list = Array.isArray(parsed) && Array.isArray(parsed[0]) ? (parsed as unknown[]) : [parsed];
    root = new ICAL.Component(list[0] as never);
    for (const extra of list.slice(1)) for (const c of new ICAL.Component(extra as never).getAllSubcomponents()) root.addSubcomponent(c);
  } catch (e) {
    throw new KeepsakeError('CORRUPT', `The calendar could not be read: ${(e as Error).message}.`);
  }
  const prodid = firstString(root, 'prodid');
  const calendarName = firstString(root, 'x-wr-calname');
  const timezones = root.getAllSubcomponents('vtimezone');
  const registered: string[] = [];
  for (const tz of timezones) {
    const tzid = firstString(tz, 'tzid');
    if (!tzid) continue;
    try {
      ICAL.TimezoneService.register(tz);
      registered.push(tzid);
    } catch {
      ctx.refuse(`time zone ${tzid}`, 'This time zone definition could not be read; times using it are kept as written (floating).');
    }
  }
  const all = root.getAllSubcomponents();
  const wanted = all.filter((c) => c.name === 'vevent' || c.name === 'vtodo' || c.name === 'vjournal' || c.name === 'vfreebusy');
  const needsExpansion = wanted.some((c) => c.hasProperty('rrule') || c.hasProperty('rdate'));
  let expansion: { results: Map<number, Expansion>; cutOff: boolean } = { results: new Map(), cutOff: false };
  if (needsExpansion) {
    ctx.report({ phase: 'Expanding repeating events' });
    expansion = await expandInWorker(text);
    if (expansion.cutOff) ctx.refuse('repeating events', 'Working out every date of the repeating events took too long and was cut off; the events and their repeat rules were kept.');
  }
  // Times are computed synchronously while this file's time zones are registered, then
  // the registrations are removed so another file's same-named zone cannot leak in.
  const items: ParsedItem[] = [];
  let expIndex = 0;
  try {
    wanted.forEach((comp, n) => {
      const index = comp.name === 'vevent' || comp.name === 'vtodo' ? expIndex++ : -1;
      items.push(componentItem(comp, index >= 0 ? expansion.results.get(index) : undefined, needsExpansion && index >= 0 && expansion.cutOff, { prodid, calendarName }, ctx, rawRules[n]));
    });
  } finally {
    for (const tzid of registered) ICAL.TimezoneService.remove(tzid);
  }
  if (items.length === 0 && wanted.length === 0 && timezones.length === 0 && all.length === 0) {
    ctx.note?.('The calendar holds no events.');
  }
  let n = 0;
  for (const item of items) {
    n++;
    ctx.report({ items: n });
    yield item;
  }
}

function componentItem(comp: Comp, exp: Expansion | undefined, cutOff: boolean, cal: { prodid: string | undefined; calendarName: string | undefined }, ctx: ImportContext, raw: string[] | undefined): ParsedItem {
  const kind = comp.name.toUpperCase();
  const uid = firstString(comp, 'uid');
  const summary = firstString(comp, 'summary');
  const description = firstString(comp, 'description');
  const location = firstString(comp, 'location');
  const dtstartProp = comp.getFirstProperty('dtstart');
  let start: Time | undefined;
  let end: Time | undefined;
  let recurrenceId: Time | undefined;
  try {
    const v = dtstartProp?.getFirstValue();
    if (v instanceof ICAL.Time) start = v;
    const e = comp.getFirstPropertyValue('dtend') ?? comp.getFirstPropertyValue('due');
    if (e instanceof ICAL.Time) end = e;
    const r = comp.getFirstPropertyValue('recurrence-id');
    if (r instanceof ICAL.Time) recurrenceId = r;
  } catch {
    ctx.refuse(`${kind} ${uid ?? ''}`.trim(), 'A date in this calendar entry could not be read; the entry was kept without it.');
  }
  const parsedRules = comp.getAllProperties('rrule').map((p) => p.toICALString().replace(/^RRULE[^:]*:/i, ''));
  const rrule = raw && raw.length === parsedRules.length ? raw : parsedRules;
  const attendees = propValues(comp, 'attendee');
  const organizer = firstString(comp, 'organizer');
  const tzid = dtstartProp?.getParameter('tzid');
  const jcal = comp.toJSON() as unknown;
  const fields: Record<string, unknown> = {
    format: 'icalendar',
    component: kind,
    summary: summary ?? '',
    allDay: !!start?.isDate,
    jcal,
  };
  if (description) fields.description = description;
  if (location) fields.location = location;
  if (uid) fields.uid = uid;
  if (start) fields.start = start.toString();
  if (end) fields.end = end.toString();
  if (typeof tzid === 'string') fields.tzid = tzid;
  if (rrule.length) fields.rrule = rrule.length === 1 ? rrule[0] : rrule; // the raw rule, always kept
  const exdate = propValues(comp, 'exdate');
  if (exdate.length) fields.exdate = exdate;
  const rdate = propValues(comp, 'rdate');
  if (rdate.length) fields.rdate = rdate;
  if (recurrenceId) fields.recurrenceId = recurrenceId.toString();
  if (organizer) fields.organizer = organizer;
  if (attendees.length) fields.attendees = attendees;
  const status = firstString(comp, 'status');
  if (status) fields.status = status;
  if (cal.prodid) fields.prodid = cal.prodid; // app metadata, personal while linked (combination rule)
  if (cal.calendarName) fields.calendar = cal.calendarName;
  if (exp) {
    fields.occurrences = exp.occurrences;
    fields.occurrencesTruncated = exp.truncated;
    if (exp.error) fields.expansionError = exp.error;
  } else if (cutOff) {
    fields.occurrences = [];
    fields.occurrencesTruncated = true;
  }
  const title = summary || (kind === 'VFREEBUSY' ? 'Free/busy' : location) || description?.split('\n')[0]?.slice(0, 120) || 'Untitled event';
  const item: ParsedItem = {
    category: 'event',
    sourceKey: uid && uid !== 'null' ? hashKey('ical-uid', uid, recurrenceId?.toString() ?? '', kind) : hashKey('ical', jcal),
    title,
    text: [summary, location, description, organizer, ...attendees].filter(Boolean).join('\n'),
    fields,
    personal: true,
  };
  // A TZID with no VTIMEZONE in the file leaves ical.js a floating time; an IANA name
  // ("Europe/Vienna") is still exact through Intl, a Windows name stays floating (as UTC).
  let ms = timeMs(start) ?? timeMs(comp.getFirstPropertyValue('dtstamp') as Time | null);
  if (start && !start.isDate && typeof tzid === 'string' && !ICAL.TimezoneService.has(tzid)) {
    const exact = ianaWallClockToUtc(start, tzid);
    if (exact !== undefined) {
      ms = exact;
      // The worker expanded in floating time; move each occurrence into the zone too.
      // (An UNTIL in UTC was compared in floating time: a known edge, see docs/intake.md.)
      if (Array.isArray(fields.occurrences)) {
        fields.occurrences = (fields.occurrences as number[]).map((o) => {
          const d = new Date(o);
          return ianaWallClockToUtc({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }, tzid) ?? o;
        });
      }
    } else fields.floating = true;
  }
  if (ms !== undefined) item.occurredAt = ms;
  const geo = comp.getFirstPropertyValue('geo');
  if (Array.isArray(geo) && geo.length === 2) {
    const [lat, lon] = geo.map(Number) as [number, number];
    if (Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) item.location = { lat, lon };
  }
  return item;
}
