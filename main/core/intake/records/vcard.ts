// vCard 2.1 / 3.0 / 4.0 → contact items, streamed card by card.
//
// Why our own line-level parser instead of ical.js: ical.js reads vCard 3.0/4.0 only and
// needs the whole text decoded up front, but phones still write 2.1 (Android, Outlook,
// BlackBerry, Japanese feature phones) where every property may carry its own CHARSET
// (Shift_JIS bytes in a UTF-8 file) and QUOTED-PRINTABLE values whose soft line breaks
// span physical lines — even lines starting with '#'. Those have to be handled on raw
// bytes before any decoding, so one careful parser covers all three versions the same way:
//   1. split bytes into lines; drop '#' comment lines (AOSP accepts them);
//   2. unfold: a line starting with space/tab continues the previous one; in a QP value a
//      trailing '=' continues onto the next line; a line that is not "NAME[;params]:" while
//      inside a base64 value continues it (2.1 PHOTO not ended by a blank line);
//   3. split name/params/value honouring quoted parameter values;
//   4. decode: QP → bytes → CHARSET (TextDecoder; invalid bytes fall back to Latin-1 so
//      nothing is lost); BASE64/ENCODING=b/data: URIs → binary files on the item;
//   5. unescape text (\n \, \; \\) and split structured values (N, ADR, ORG).
// Nested BEGIN:VCARD (AOSP v21_nest) yields the inner cards and the outer one separately.
// The original bytes of every card are kept as its 'original' file, so any property we do
// not interpret survives byte for byte.
import { createHash } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedFile, ParsedItem } from '../types';
import { readLines } from './lines';
import { decodeBase64Strict, decodeText, hashKey, imageMime, sniffImage } from './util';

export interface VCardProperty {
  group?: string;
  name: string;
  params: Record<string, string[]>;
  value: string;
  /** For structured properties: the components (N, ADR, ORG, GENDER…). */
  components?: string[];
}

export interface VCardContact {
  version: string;
  properties: VCardProperty[];
  files: ParsedFile[];
  raw: Buffer;
  startLine: number;
}

const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');
const PROPERTY_START = /^([A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]+[;:]/;
const STRUCTURED = new Set(['N', 'ADR', 'ORG', 'GENDER', 'CLIENTPIDMAP']);
const BINARY_PROPS = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);
/** A single property value over this size is refused (a 5 MB photo is fine; 64 MB is not a contact). */
const MAX_PROPERTY_BYTES = 48 * 1024 * 1024;
const MAX_CARD_PROPERTIES = 20_000;

interface RawProp {
  head: string; // group.NAME;params (ASCII)
  value: Buffer[]; // value bytes, joined later
  size: number; // bytes in value so far (kept incrementally: a 5 MB photo is 70,000 lines)
  qp: boolean;
  base64: boolean;
  line: number;
}

interface OpenCard {
  version: string;
  props: RawProp[];
  rawLines: Buffer[];
  startLine: number;
}

/** Parses a vCard stream; yields one contact per card. */
export async function* parseVCards(input: ImportInput, ctx: ImportContext): AsyncGenerator<VCardContact> {
  const stack: OpenCard[] = [];
  let current: RawProp | null = null;
  let seenAny = false;
  let lastReport = 0;
  for await (const line of readLines(input.open())) {
    const rawBytes = line.bytes;
    // Some iPhone exports end lines with \r\r\n: a trailing CR is never part of a value
    // (a real one is written =0D or \n), so it is dropped here; the raw bytes keep it.
    let end = rawBytes.length;
    while (end > 0 && rawBytes[end - 1] === 0x0d) end--;
    const bytes = rawBytes.subarray(0, end);
    const top = stack[stack.length - 1];
    if (top) top.rawLines.push(rawBytes, line.crlf ? CRLF : LF);
    if (line.offset - lastReport > 1_000_000) {
      lastReport = line.offset;
      ctx.report({ bytes: line.offset });
      await ctx.checkpoint();
    }
    // QP soft break: previous value ended with '=' → this line continues it, whatever it starts with.
    if (current && current.qp && endsWithSoftBreak(current.value)) {
      const last = current.value[current.value.length - 1]!;
      current.value[current.value.length - 1] = last.subarray(0, last.length - 1);
      current.size--;
      if (append(current, bytes)) current = refuseBig(current, ctx);
      continue;
    }
    if (bytes.length === 0) {
      current = current && current.base64 ? null : current; // blank line ends a 2.1 base64 value
      continue;
    }
    const first = bytes[0]!;
    if (first === 0x23 /* # */) continue; // comment line (AOSP accepts them in 2.1)
    if (current && (first === 0x20 || first === 0x09)) {
      // Folded line: drop the one whitespace character (base64 ignores whitespace anyway).
      if (append(current, bytes.subarray(1))) current = refuseBig(current, ctx);
      continue;
    }
    const text = bytes.toString('latin1');
    if (current && current.base64 && !PROPERTY_START.test(text)) {
      // 2.1 base64 continued without indentation or blank line
      if (append(current, bytes)) current = refuseBig(current, ctx);
      continue;
    }
    const upper = text.trim().toUpperCase();
    if (upper === 'BEGIN:VCARD') {
      seenAny = true;
      if (stack.length >= 8) {
        ctx.refuse(`line ${line.number}`, 'Contacts nested more than 8 deep; the inner ones were skipped.');
        continue;
      }
      stack.push({ version: '', props: [], rawLines: [rawBytes, line.crlf ? CRLF : LF], startLine: line.number });
      current = null;
      continue;
    }
    if (upper === 'END:VCARD') {
      const card = stack.pop();
      current = null;
      if (!card) {
        ctx.refuse(`line ${line.number}`, 'An END:VCARD without a matching BEGIN:VCARD was ignored.');
        continue;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.rawLines.push(...card.rawLines); // raw bytes of a nested card stay inside its parent too
      yield finishCard(card, ctx);
      continue;
    }
    if (!top) continue; // text outside any card (some exporters write headers): ignored
    if (!PROPERTY_START.test(text)) {
      // A continuation line without the leading space (AOSP v21_invalid_multiple_line): join it.
      if (current && append(current, Buffer.from(' '), bytes)) current = refuseBig(current, ctx);
      continue;
    }
    if (top.props.length >= MAX_CARD_PROPERTIES) {
      ctx.refuse(`line ${line.number}`, `A contact has more than ${MAX_CARD_PROPERTIES} properties; the rest were skipped.`);
      current = null;
      continue;
    }
    const colon = findValueColon(text);
    if (colon < 0) continue;
    const head = text.slice(0, colon);
    const headUpper = head.toUpperCase();
    const qp = /(^|;)(ENCODING=)?QUOTED-PRINTABLE(;|$)/.test(headUpper);
    const base64 = /(^|;)(ENCODING=)?(BASE64|B)(;|$)/.test(headUpper);
    current = { head, value: [bytes.subarray(colon + 1)], size: bytes.length - colon - 1, qp, base64, line: line.number };
    top.props.push(current);
    if (current.size > MAX_PROPERTY_BYTES) current = refuseBig(current, ctx);
    if (headUpper === 'VERSION') top.version = bytes.subarray(colon + 1).toString('latin1').trim();
  }
  // Cards left open at the end of the file: keep what was read.
  while (stack.length) {
    const card = stack.pop()!;
    ctx.refuse(`line ${card.startLine}`, 'The file ended before this contact was closed (END:VCARD missing); what was read is kept.');
    yield finishCard(card, ctx);
  }
  if (!seenAny) {
    throw new KeepsakeError('UNSUPPORTED', 'No contact (BEGIN:VCARD) was found in this file.');
  }
}

function endsWithSoftBreak(parts: Buffer[]): boolean {
  const last = parts[parts.length - 1];
  return !!last && last.length > 0 && last[last.length - 1] === 0x3d;
}

/** Appends continuation bytes to a value; true when it grew past the per-property limit. */
function append(p: RawProp, ...parts: Buffer[]): boolean {
  for (const b of parts) {
    p.value.push(b);
    p.size += b.length;
  }
  return p.size > MAX_PROPERTY_BYTES;
}

function refuseBig(p: RawProp, ctx: ImportContext): null {
  ctx.refuse(`line ${p.line}`, `A contact property is larger than ${MAX_PROPERTY_BYTES / 1048576} MB and was skipped.`);
  p.value = [];
  p.size = 0;
  p.head = 'X-KEEPSAKE-REFUSED';
  return null;
}

/** The colon that separates head from value, skipping colons inside quoted parameter values. */
function findValueColon(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
}

function parseHead(head: string): { group?: string; name: string; params: Record<string, string[]> } {
  const parts: string[] = [];
  let quoted = false;
  let cur = '';
  for (const c of head) {
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  const nameWithGroup = parts.shift() ?? '';
  const dot = nameWithGroup.lastIndexOf('.');
  const group = dot > 0 ? nameWithGroup.slice(0, dot) : undefined;
  const name = (dot > 0 ? nameWithGroup.slice(dot + 1) : nameWithGroup).toUpperCase();
  const params: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const p of parts) {
    if (!p) continue;
    const eq = p.indexOf('=');
    // 2.1 bare parameters: "CELL" is TYPE=CELL, "QUOTED-PRINTABLE"/"BASE64" are ENCODING=…
    let key = eq < 0 ? 'TYPE' : p.slice(0, eq).trim().toUpperCase();
    const rawValue = eq < 0 ? p : p.slice(eq + 1);
    if (eq < 0 && /^(QUOTED-PRINTABLE|BASE64|B|8BIT|7BIT)$/i.test(p)) key = 'ENCODING';
    if (eq < 0 && /^(UTF-8|SHIFT_JIS|ISO-8859-\d+)$/i.test(p)) key = 'CHARSET';
    if (key === '__PROTO__' || key === 'CONSTRUCTOR' || key === 'PROTOTYPE') continue;
    // TYPE="work,voice" (4.0) is a list even inside quotes; other quoted values keep their commas.
    const values = key === 'TYPE' ? splitParamValues(rawValue.replace(/"/g, '')) : splitParamValues(rawValue);
    (params[key] ??= []).push(...values);
  }
  return group !== undefined ? { group, name, params } : { name, params };
}

function splitParamValues(raw: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let cur = '';
  for (const c of raw) {
    if (c === '"') {
      quoted = !quoted;
      continue;
    }
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((v) => v.trim()).filter((v) => v.length > 0);
}

function decodeQP(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x3d && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16);
      i += 2;
    } else out[n++] = b;
  }
  return out.subarray(0, n);
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

/** Unescapes a vCard text value and, for structured properties, splits it on unescaped ';'. */
function unescapeParts(text: string, split: boolean): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const n = text[++i]!;
      cur += n === 'n' || n === 'N' ? '\n' : n;
    } else if (c === ';' && split) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function finishCard(card: OpenCard, ctx: ImportContext): VCardContact {
  const version = card.version || '2.1';
  const properties: VCardProperty[] = [];
  const files: ParsedFile[] = [];
  const fileCounts = new Map<string, number>();
  for (const raw of card.props) {
    if (raw.head === 'X-KEEPSAKE-REFUSED') continue;
    const { group, name, params } = parseHead(raw.head);
    let bytes: Buffer = Buffer.concat(raw.value);
    if (raw.qp) bytes = decodeQP(bytes);
    const encoding = (params.ENCODING?.[0] ?? '').toUpperCase();
    const valueType = (params.VALUE?.[0] ?? '').toLowerCase();
    const isBase64 = encoding === 'BASE64' || encoding === 'B';
    const latin = bytes.toString('latin1');
    const dataUri = BINARY_PROPS.has(name) && /^data:[^,]*;base64,/i.test(latin.trim());
    if ((isBase64 || dataUri) && (BINARY_PROPS.has(name) || isBase64)) {
      const payload = dataUri ? latin.trim().slice(latin.indexOf(',') + 1) : latin;
      const decoded = decodeBase64Strict(payload);
      if (!decoded || decoded.length === 0) {
        ctx.refuse(`line ${raw.line}`, `The ${name.toLowerCase()} of this contact is not valid base64 and was left out; the contact itself was kept.`);
        properties.push(prop(group, name, params, '', undefined, { refused: 'invalid base64' }));
        continue;
      }
      const declared = dataUri ? latin.slice(5, latin.indexOf(';')) : (params.TYPE ?? []).join(',');
      const kind = sniffImage(decoded) ?? imageMime(declared);
      const seen = fileCounts.get(name) ?? 0;
      fileCounts.set(name, seen + 1);
      const fileName = `${name.toLowerCase()}${seen ? `-${seen + 1}` : ''}.${kind.ext}`;
      files.push({ role: 'attachment', name: fileName, mime: kind.mime, data: decoded });
      properties.push(prop(group, name, params, '', undefined, { file: fileName, sha256: createHash('sha256').update(decoded).digest('hex'), bytes: decoded.length }));
      continue;
    }
    const charset = params.CHARSET?.[0];
    const { text, fellBack } = decodeText(bytes, charset);
    if (fellBack && charset) ctx.refuse(`line ${raw.line}`, `The charset "${charset}" could not decode a ${name} value; it was kept as Latin-1 text.`);
    const structured = STRUCTURED.has(name);
    const parts = unescapeParts(text, structured);
    const value = structured ? parts.join(';') : parts.join('');
    properties.push(prop(group, name, params, valueType === 'uri' || name === 'URL' ? value.replace(/\\:/g, ':') : value, structured ? parts : undefined));
  }
  return { version, properties, files, raw: Buffer.concat(card.rawLines), startLine: card.startLine };
}

function prop(group: string | undefined, name: string, params: Record<string, string[]>, value: string, components?: string[], extra?: Record<string, unknown>): VCardProperty {
  const p: VCardProperty & Record<string, unknown> = { name, params: { ...params }, value };
  if (group !== undefined) p.group = group;
  if (components) p.components = components;
  if (extra) Object.assign(p, extra);
  return p;
}

/** Builds the vault item for a parsed contact. */
export function contactItem(c: VCardContact): ParsedItem {
  const get = (n: string) => c.properties.find((p) => p.name === n);
  const all = (n: string) => c.properties.filter((p) => p.name === n);
  const nProp = get('N');
  const n = nProp?.components ?? [];
  const fn = get('FN')?.value.trim();
  const composed = [n[3], n[1], n[2], n[0], n[4]].filter((x) => x && x.trim()).join(' ').trim();
  const org = get('ORG')?.components?.filter((x) => x).join(', ');
  const tels = all('TEL').map((p) => ({ value: p.value.replace(/^tel:/i, '').trim(), types: (p.params.TYPE ?? []).map((t) => t.toLowerCase()), ...(p.group ? { group: p.group } : {}) }));
  const emails = all('EMAIL').map((p) => ({ value: p.value.trim(), types: (p.params.TYPE ?? []).map((t) => t.toLowerCase()), ...(p.group ? { group: p.group } : {}) }));
  const adrs = all('ADR').map((p) => ({ components: p.components ?? [], types: (p.params.TYPE ?? []).map((t) => t.toLowerCase()) }));
  const title = fn || composed || org || emails[0]?.value || tels[0]?.value || 'Unnamed contact';
  const note = all('NOTE').map((p) => p.value).join('\n');
  const uid = get('UID')?.value.trim();
  const text = [title, composed !== title ? composed : '', org, get('TITLE')?.value, get('NICKNAME')?.value, ...tels.map((t) => t.value), ...emails.map((e) => e.value), ...adrs.map((a) => a.components.filter((x) => x).join(', ')), note]
    .filter((x) => x && x.trim())
    .join('\n');
  const canonical = c.properties.filter((p) => p.name !== 'REV' && p.name !== 'PRODID').map((p) => [p.group ?? '', p.name, p.params, p.value, (p as unknown as { sha256?: string }).sha256 ?? '']);
  const fields: Record<string, unknown> = {
    format: 'vcard',
    version: c.version,
    name: { family: n[0] ?? '', given: n[1] ?? '', additional: n[2] ?? '', prefix: n[3] ?? '', suffix: n[4] ?? '' },
    fn: fn ?? '',
    phones: tels,
    emails,
    addresses: adrs,
    properties: c.properties,
  };
  if (org) fields.org = org;
  if (uid) fields.uid = uid;
  if (note) fields.note = note;
  const bday = get('BDAY')?.value;
  if (bday) fields.birthday = bday;
  const prodid = get('PRODID')?.value;
  if (prodid) fields.prodid = prodid; // app metadata: personal while linked to this contact (combination rule)
  const geo = get('GEO')?.value.match(/(-?\d+(?:\.\d+)?)[,;](-?\d+(?:\.\d+)?)/);
  const item: ParsedItem = {
    category: 'contact',
    // A UID is the source's own stable id; without one, the canonical properties are.
    sourceKey: uid ? hashKey('vcard-uid', uid) : hashKey('vcard', canonical),
    title,
    text,
    fields,
    personal: true,
    files: [{ role: 'original', name: 'contact.vcf', mime: 'text/vcard', data: c.raw }, ...c.files],
  };
  if (geo) {
    const lat = Number(geo[1]);
    const lon = Number(geo[2]);
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) item.location = { lat, lon };
  }
  return item;
}

/** The importer: vCard file → contact items. */
export async function* importVCard(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  let count = 0;
  for await (const card of parseVCards(input, ctx)) {
    count++;
    ctx.report({ items: count });
    yield contactItem(card);
  }
}
