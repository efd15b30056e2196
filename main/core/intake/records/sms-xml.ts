// "SMS Backup & Restore" XML (smses/sms/mms/parts/addrs and calls/call) → message and
// call items, parsed as a stream with saxes so a multi-GB backup never sits in memory:
// chunks are fed to the parser, items collect in a small queue and are handed out
// between chunks, so memory is bounded by one chunk plus one message's attachments.
//
// Hostile XML: saxes never fetches external entities and knows only the five predefined
// ones, and we refuse any DOCTYPE outright ("billion laughs", quadratic blowup, SYSTEM
// entities and parameter entities all need one). Nesting is capped. Attribute names such
// as __proto__ land in a null-prototype object, so Object.prototype is never touched.
// The root `count` is reconciled with what was found; a mismatch is a note, not a failure.
// Corrupt base64 in one MMS part refuses that part (with its position); the message stays.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { StringDecoder } from 'node:string_decoder';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedFile, ParsedItem } from '../types';
import { decodeBase64Strict, hashKey, safeFileName, validTime } from './util';

const MAX_DEPTH = 32;
/** One attachment's base64 over this is refused (the phone app caps MMS far lower). */
const MAX_PART_CHARS = 256 * 1024 * 1024;

type Attrs = Record<string, string>;

interface OpenMms {
  attrs: Attrs;
  parts: Attrs[];
  addrs: Attrs[];
  line: number;
  index: number;
}

/** Attribute values the app writes for "no value". */
function present(v: string | undefined): v is string {
  return v !== undefined && v !== '' && v !== 'null';
}

function plainAttrs(tag: SaxesTagPlain): Attrs {
  const out = Object.create(null) as Attrs;
  for (const [k, v] of Object.entries(tag.attributes)) out[k] = v;
  return out;
}

function toObject(a: Attrs): Record<string, string> {
  // Copy into a normal object, dropping names that would collide with prototype machinery.
  const o: Record<string, string> = {};
  for (const k of Object.keys(a)) if (k !== '__proto__' && k !== 'constructor' && k !== 'prototype') o[k] = a[k]!;
  return o;
}

function contactName(a: Attrs): string | undefined {
  const n = a.contact_name;
  return present(n) && n !== '(Unknown)' ? n : undefined;
}

function smsItem(a: Attrs): ParsedItem {
  const occurredAt = validTime(Number(a.date));
  const address = a.address ?? '';
  const body = a.body ?? '';
  const type = Number(a.type);
  const who = contactName(a);
  const direction = type === 1 ? 'received' : type === 2 ? 'sent' : type === 3 ? 'draft' : type === 4 ? 'outbox' : type === 5 ? 'failed' : type === 6 ? 'queued' : 'unknown';
  const item: ParsedItem = {
    category: 'message',
    sourceKey: hashKey('sms', address, a.date ?? '', a.type ?? '', body),
    title: who ?? (address || 'Unknown sender'),
    text: [who, address, body].filter(Boolean).join('\n'),
    fields: { format: 'sms-backup-restore', kind: 'sms', direction, address, body, ...(who ? { contactName: who } : {}), attributes: toObject(a) },
    personal: true,
  };
  if (occurredAt !== undefined) item.occurredAt = occurredAt;
  return item;
}

function callItem(a: Attrs): ParsedItem {
  const occurredAt = validTime(Number(a.date));
  const number = a.number ?? '';
  const type = Number(a.type);
  const who = contactName(a);
  const kind = ({ 1: 'incoming', 2: 'outgoing', 3: 'missed', 4: 'voicemail', 5: 'rejected', 6: 'blocked' } as Record<number, string>)[type] ?? 'unknown';
  const item: ParsedItem = {
    category: 'call',
    sourceKey: hashKey('call', number, a.date ?? '', a.type ?? '', a.duration ?? ''),
    title: who ?? (number || 'Unknown number'),
    text: [who, number].filter(Boolean).join('\n'),
    fields: { format: 'sms-backup-restore', kind, number, durationSeconds: Number(a.duration) || 0, ...(who ? { contactName: who } : {}), attributes: toObject(a) },
    personal: true,
  };
  if (occurredAt !== undefined) item.occurredAt = occurredAt;
  return item;
}

function mmsItem(m: OpenMms, ctx: ImportContext): ParsedItem {
  const a = m.attrs;
  const files: ParsedFile[] = [];
  const parts: Array<Record<string, unknown>> = [];
  const texts: string[] = [];
  const usedNames = new Set<string>();
  m.parts.forEach((p, i) => {
    const meta: Record<string, unknown> = { ...toObject(p) };
    delete meta.data;
    const ct = (p.ct ?? 'application/octet-stream').toLowerCase();
    if (ct === 'text/plain' && present(p.text)) texts.push(p.text);
    if (present(p.data)) {
      const bytes = p.data.length > MAX_PART_CHARS ? null : decodeBase64Strict(p.data);
      if (!bytes) {
        ctx.refuse(`message ${m.index} (line ${m.line}), part ${i + 1}`, `The attachment "${p.name ?? p.cl ?? 'unnamed'}" is not valid base64 and was left out; the message itself was kept.`);
        meta.refused = 'invalid base64';
      } else {
        let name = safeFileName(present(p.cl) ? p.cl : present(p.name) ? p.name : `part-${i + 1}`);
        while (usedNames.has(name)) name = `${i + 1}-${name}`;
        usedNames.add(name);
        files.push({ role: 'attachment', name, mime: ct, data: bytes });
        meta.file = name;
        meta.bytes = bytes.length;
      }
    }
    parts.push(meta);
  });
  const box = Number(a.msg_box);
  const direction = box === 1 ? 'received' : box === 2 ? 'sent' : box === 3 ? 'draft' : box === 4 ? 'outbox' : 'unknown';
  const who = contactName(a);
  const address = a.address ?? '';
  const subject = present(a.sub) ? a.sub : undefined;
  const body = texts.join('\n');
  const occurredAt = validTime(Number(a.date));
  const item: ParsedItem = {
    category: 'message',
    sourceKey: present(a.m_id) ? hashKey('mms-id', a.m_id, address) : hashKey('mms', address, a.date ?? '', a.msg_box ?? '', body, parts.map((p) => [p.ct, p.name, p.bytes])),
    title: who ?? (address || 'Unknown sender'),
    text: [who, address, subject, body].filter(Boolean).join('\n'),
    fields: {
      format: 'sms-backup-restore',
      kind: 'mms',
      direction,
      address,
      body,
      ...(subject ? { subject } : {}),
      ...(who ? { contactName: who } : {}),
      parts,
      addresses: m.addrs.map(toObject),
      attributes: toObject(a),
    },
    personal: true,
  };
  if (files.length) item.files = files;
  if (occurredAt !== undefined) item.occurredAt = occurredAt;
  return item;
}


export interface SmsXmlSummary {
  root: string | null;
  declaredCount: number | null;
  found: number;
}

/** The importer: SMS Backup & Restore XML → message and call items. */
export async function* importSmsXml(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const parser = new SaxesParser({ position: true });
  const queue: ParsedItem[] = [];
  let failure: KeepsakeError | null = null;
  let depth = 0;
  let root: string | null = null;
  let declared: number | null = null;
  let found = 0;
  let mms: OpenMms | null = null;
  let inParts = false;
  let inAddrs = false;

  let failLine = 0;
  const fail = (e: KeepsakeError) => {
    if (!failure) failLine = parser.line;
    failure ??= e;
  };
  parser.on('doctype', () => fail(new KeepsakeError('UNSUPPORTED', `This XML declares a DTD (line ${parser.line}). Backups from SMS Backup & Restore never do; DTDs and entities are refused because they can be used to attack the reader.`)));
  parser.on('error', (err) => fail(new KeepsakeError('CORRUPT', `The XML is broken at line ${parser.line}, column ${parser.column}: ${err.message.replace(/^(?:.*?:)?\d+:\d+: /, '').replace(/\.+$/, '')}.`)));
  parser.on('opentag', (tag) => {
    if (failure) return; // saxes recovers and goes on; nothing after an error is trusted
    const t = tag as SaxesTagPlain;
    depth++;
    if (depth > MAX_DEPTH) {
      fail(new KeepsakeError('UNSUPPORTED', `The XML nests deeper than ${MAX_DEPTH} levels at line ${parser.line}; SMS backups never do, so the rest was refused.`));
      return;
    }
    const name = t.name;
    if (depth === 1) {
      root = name;
      if (name !== 'smses' && name !== 'calls') fail(new KeepsakeError('UNSUPPORTED', `This XML starts with <${name}>, not <smses> or <calls>; it is not an SMS Backup & Restore file.`));
      const c = t.attributes.count;
      if (c !== undefined && /^\d+$/.test(c)) declared = Number(c);
      return;
    }
    if (depth === 2) {
      if (name === 'sms' && root === 'smses') {
        found++;
        queue.push(smsItem(plainAttrs(t)));
      } else if (name === 'mms' && root === 'smses') {
        found++;
        mms = { attrs: plainAttrs(t), parts: [], addrs: [], line: parser.line, index: found };
      } else if (name === 'call' && root === 'calls') {
        found++;
        queue.push(callItem(plainAttrs(t)));
      }
      return;
    }
    if (!mms) return;
    if (depth === 3) {
      inParts = name === 'parts';
      inAddrs = name === 'addrs';
    } else if (depth === 4) {
      if (inParts && name === 'part') mms.parts.push(plainAttrs(t));
      else if (inAddrs && name === 'addr') mms.addrs.push(plainAttrs(t));
    }
  });
  parser.on('closetag', () => {
    if (failure) return;
    if (depth === 2 && mms) {
      queue.push(mmsItem(mms, ctx));
      mms = null;
    }
    if (depth === 3) inParts = inAddrs = false;
    depth--;
  });

  const decoder = new StringDecoder('utf8');
  const refs = new SurrogateRefJoiner();
  let bytes = 0;
  let sawBytes = false;
  for await (const chunk of input.open() as AsyncIterable<Buffer>) {
    sawBytes ||= chunk.length > 0;
    bytes += chunk.length;
    parser.write(refs.push(decoder.write(chunk)));
    if (failure) break;
    while (queue.length) yield queue.shift()!;
    ctx.report({ bytes, items: found });
    await ctx.checkpoint();
  }
  if (!failure) {
    parser.write(refs.push(decoder.end()) + refs.flush());
    if (!sawBytes) failure = new KeepsakeError('CORRUPT', 'The file is empty.');
    else parser.close();
    // A file cut off inside an MMS: keep the parts that were read, marked as truncated.
    const open = mms as OpenMms | null;
    if (failure && open) {
      const item = mmsItem(open, ctx);
      item.fields.truncated = true;
      queue.push(item);
      mms = null;
    }
  }
  // Items completed before an error are good: hand them out, then refuse the rest.
  while (queue.length) yield queue.shift()!;
  if (failure) {
    const e = failure as KeepsakeError;
    if (found === 0) throw e;
    ctx.refuse(`line ${failLine}`, `${e.message} Everything before that point was kept; the rest of the file was refused.`);
    return;
  }
  if (root === null) throw new KeepsakeError('UNSUPPORTED', 'No <smses> or <calls> element was found; this is not an SMS Backup & Restore file.');
  if (declared !== null && declared !== found) {
    const note = `The file says it holds ${declared} ${root === 'calls' ? 'calls' : 'messages'}, but ${found} were found; all ${found} were imported.`;
    if (ctx.note) ctx.note(note);
    else ctx.refuse('root count attribute', note);
  }
}

/**
 * SMS Backup & Restore writes emoji as two character references, one per UTF-16 half
 * ("&#55357;&#56833;"), which XML forbids. Joins such pairs into one reference to the real
 * code point and turns a lone half into U+FFFD, across chunk boundaries.
 */
export class SurrogateRefJoiner {
  private carry = '';
  push(text: string): string {
    let s = this.carry + text;
    // Hold back a possibly incomplete reference pair at the end of this chunk.
    const amp = s.lastIndexOf('&', s.length - 1);
    let cut = s.length;
    if (amp >= 0 && s.length - amp < 40) {
      cut = amp;
      const prev = s.lastIndexOf('&', amp - 1);
      if (prev >= 0 && amp - prev < 20 && /^&#x?[0-9a-fA-F]+;$/.test(s.slice(prev, amp))) cut = prev;
    }
    this.carry = s.slice(cut);
    s = s.slice(0, cut);
    return fixRefs(s);
  }
  flush(): string {
    const out = fixRefs(this.carry);
    this.carry = '';
    return out;
  }
}

const REF = /&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});(?:&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});)?/g;

function refValue(r: string): number {
  return r[0] === 'x' ? parseInt(r.slice(1), 16) : parseInt(r, 10);
}

function fixRefs(s: string): string {
  if (!s.includes('&#')) return s;
  return s.replace(REF, (whole, a: string, b: string | undefined) => {
    const hi = refValue(a);
    if (hi < 0xd800 || hi > 0xdfff) {
      if (b === undefined) return whole;
      return `&#${a};` + fixRefs(`&#${b};`);
    }
    const lo = b === undefined ? -1 : refValue(b);
    if (hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) return `&#${(hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000};`;
    return '&#65533;' + (b === undefined ? '' : fixRefs(`&#${b};`));
  });
}
