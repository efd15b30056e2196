// Record categories → standard files a new phone imports: contacts as one vCard 3.0 file,
// calendar as one iCalendar file, messages and calls as "SMS Backup & Restore" XML, email
// as an mboxrd mailbox, notes as Markdown (a note that came from a text/Markdown file goes
// back as its own bytes). The intake writers do the format work; this file applies the
// location consent to the fields first (GEO coarsened or removed, Apple structured
// locations removed — their map handle hides precise coordinates) and lists what a format
// cannot hold. Each item is serialised on its own (an entry between a head and a tail),
// so the job streams a file of any size instead of building it as one string.
import type { RecoveryCategory } from '../../../../common/contract/recovery';
import { writeICalendar } from '../../intake/records/ical-writer';
import { writeCallsXml, writeSmsXml } from '../../intake/records/sms-xml-writer';
import { writeVCard } from '../../intake/records/vcard-writer';
import type { VCardProperty } from '../../intake/records/vcard';
import type { ParsedFile, ParsedItem } from '../../intake/types';
import { rewriteJpegGps } from '../exif-gps';
import type { LocationPolicy } from '../location';

/** One vault item as the writers need it: its fields and its files in memory. */
export interface LoadedItem {
  id: string;
  category: RecoveryCategory;
  title: string;
  text: string;
  occurredAt: number | null;
  fields: Record<string, unknown>;
  location: { lat: number; lon: number } | null;
  files: ParsedFile[];
}

export interface Unsupported {
  add(field: string): void;
}

/**
 * How a streamed file starts and ends: `head(count)` + one entry per item + `tail` is byte
 * for byte the document the intake writer builds from all the items at once. The frames
 * are cut from the writer's own output (an empty document, a document of one item), so
 * the format stays defined in one place.
 */
export interface Frame {
  head(count: number): string;
  tail: string;
}

function frameOf(empty: string, tail: string, count = (_n: number) => empty): Frame {
  if (!empty.endsWith(tail)) throw new Error(`The writer's output no longer ends with ${JSON.stringify(tail)}`);
  return { head: (n) => count(n).slice(0, -tail.length), tail };
}

export const SMS = frameOf(writeSmsXml([]), '</smses>\n', (n) => writeSmsXml([]).replace('<smses count="0">', `<smses count="${n}">`));
export const CALLS = frameOf(writeCallsXml([]), '</calls>\n', (n) => writeCallsXml([]).replace('<calls count="0">', `<calls count="${n}">`));
export const CALENDAR = frameOf(writeICalendar([]), 'END:VCALENDAR\r\n');

/** The entry of a one-item document: what lies between its head and its tail. */
function middle(doc: string, head: string, tail: string): string {
  if (!doc.startsWith(head) || !doc.endsWith(tail)) throw new Error('The writer\'s output does not have the expected frame');
  return doc.slice(head.length, doc.length - tail.length);
}

const GEO_URI = /geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/;

function fmt(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** Contacts: GEO under the consent, then vCard 3.0. */
export function contactText(item: LoadedItem, policy: LocationPolicy, unsupported: Unsupported): string {
  const props = (Array.isArray(item.fields.properties) ? item.fields.properties : []) as VCardProperty[];
  const out: VCardProperty[] = [];
  for (const p of props) {
    if ((p as VCardProperty & { refused?: string }).refused) unsupported.add(`${p.name} (unreadable in the source)`);
    if (p.name !== 'GEO') {
      out.push(p);
      continue;
    }
    const m = /(-?\d+(?:\.\d+)?)[,;](-?\d+(?:\.\d+)?)/.exec(p.value);
    if (!m) continue;
    const r = policy.point('contact', { lat: Number(m[1]), lon: Number(m[2]) });
    if (r.point) out.push({ ...p, value: `${fmt(r.point.lat)};${fmt(r.point.lon)}`, params: {} });
  }
  for (const p of out) {
    const file = (p as VCardProperty & { file?: string }).file;
    if (file !== undefined && !item.files.some((f) => f.name === file && Buffer.isBuffer(f.data))) unsupported.add(`${p.name} (file missing)`);
  }
  return writeVCard({ properties: out, files: item.files });
}

type JCal = [string, Array<[string, Record<string, unknown>, string, ...unknown[]]>, JCal[]];

/** Calendar: GEO coarsened or removed, structured locations removed unless precise, in every component. */
export function gateJcal(jcal: JCal, policy: LocationPolicy): JCal {
  const [name, props, subs] = jcal;
  const kept: JCal[1] = [];
  for (const p of props) {
    const pname = p[0];
    if (pname === 'geo' && Array.isArray(p[3])) {
      const [lat, lon] = (p[3] as unknown[]).map(Number) as [number, number];
      const r = policy.point('event', { lat, lon });
      if (r.point) kept.push([p[0], p[1], p[2], [r.point.lat, r.point.lon]]);
      continue;
    }
    const values = p.slice(3).map(String).join(' ');
    if (GEO_URI.test(values) || pname === 'x-apple-structured-location') {
      const m = GEO_URI.exec(values);
      const r = m ? policy.point('event', { lat: Number(m[1]), lon: Number(m[2]) }) : { as: policy.effective().precision };
      if (r.as === 'precise') kept.push(p);
      // Approximate or none: the property goes (its map handle encodes the exact place).
      continue;
    }
    kept.push(p);
  }
  return [name, kept, (subs ?? []).map((s) => gateJcal(s, policy))];
}

/** An event's VEVENT (with its alarms and time zones as stored), as calendar.ics holds it, or null without iCalendar data. */
export function eventEntry(item: LoadedItem, policy: LocationPolicy): string | null {
  if (!Array.isArray(item.fields.jcal)) return null;
  return middle(writeICalendar([{ fields: { jcal: gateJcal(item.fields.jcal as JCal, policy) } }]), CALENDAR.head(0), CALENDAR.tail);
}

/** MMS image parts are photos too: a JPEG part's GPS follows the consent. */
export function gatedMessage(item: LoadedItem, policy: LocationPolicy): ParsedItem {
  const precision = policy.effective();
  const files = item.files.map((f) => {
    if (precision.precision === 'precise' || !Buffer.isBuffer(f.data) || !/jpe?g/i.test(f.mime)) return f;
    try {
      const r = rewriteJpegGps(f.data, precision.precision === 'approximate' ? 'approximate' : 'none');
      if (r.changed) policy.point('message', r.kept ?? { lat: 0, lon: 0 });
      return { ...f, data: r.bytes };
    } catch {
      return f; // not a readable JPEG: it has no EXIF we could read either
    }
  });
  return { category: item.category, sourceKey: item.id, fields: item.fields, personal: true, files };
}

/** One message's <sms> or <mms> element and its line break, as sms.xml holds it. */
export function smsEntry(item: LoadedItem, policy: LocationPolicy): string {
  return middle(writeSmsXml([gatedMessage(item, policy)]), SMS.head(1), SMS.tail);
}

/** One call's <call> element and its line break, as calls.xml holds it. */
export function callEntry(item: LoadedItem): string {
  return middle(writeCallsXml([callOf(item)]), CALLS.head(1), CALLS.tail);
}

export function callOf(item: LoadedItem): ParsedItem {
  return { category: 'call', sourceKey: item.id, fields: item.fields, personal: true };
}

/** mboxrd: a "From " separator per message; body lines starting with >*From get one more '>'. */
export function mboxMessage(raw: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from('From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n')];
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf(0x0a, start);
    end = end === -1 ? raw.length : end + 1;
    const line = raw.subarray(start, end);
    if (/^>*From /.test(line.subarray(0, 64).toString('latin1'))) parts.push(Buffer.from('>'));
    parts.push(line);
    start = end;
  }
  if (raw.length && raw[raw.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

const NOTE_CARRIED = new Set(['checklist', 'format', 'title', 'text', 'fileName', 'createdAt', 'editedAt', 'updatedAt', 'labels', 'tags', 'charset', 'html', 'enml', 'attributes', 'textContent']);

/** A note as Markdown: its own bytes when it came from a text file; otherwise title, text, dates, labels, and location under the consent. */
export function noteMarkdown(item: LoadedItem, policy: LocationPolicy, unsupported: Unsupported): Buffer {
  const original = item.files.find((f) => f.role === 'original' && Buffer.isBuffer(f.data));
  if ((item.fields.format === 'markdown' || item.fields.format === 'text') && original) return original.data as Buffer;
  for (const k of Object.keys(item.fields)) if (!NOTE_CARRIED.has(k)) unsupported.add(`note ${k}`);
  if (item.files.some((f) => f.role === 'attachment')) unsupported.add('note attachments');
  if (/\n/.test(item.title)) unsupported.add('multi-line title');
  const lines = [`# ${item.title.replace(/\s*\r?\n\s*/g, ' ') || 'Untitled note'}`, ''];
  const body = item.text.startsWith(item.title) ? item.text.slice(item.title.length).replace(/^\s*\n/, '') : item.text;
  if (body.trim()) lines.push(body.trimEnd(), '');
  const meta: string[] = [];
  if (item.occurredAt !== null) meta.push(`Created: ${new Date(item.occurredAt).toISOString()}`);
  const labels = [item.fields.labels, item.fields.tags].flat().filter((x): x is string => typeof x === 'string' && x.length > 0);
  if (labels.length) meta.push(`Labels: ${labels.join(', ')}`);
  if (item.location) {
    const r = policy.point('note', item.location);
    if (r.point) meta.push(`Location: ${fmt(r.point.lat)}, ${fmt(r.point.lon)}${r.as === 'approximate' ? ' (about 1 km)' : ''}`);
  }
  if (meta.length) lines.push('---', ...meta, '');
  return Buffer.from(lines.join('\n'), 'utf8');
}
