// Evernote .enex export → note items, streamed with saxes (an export can hold thousands of
// notes with embedded resources). Evernote's own DOCTYPE (an external DTD reference, never
// fetched) is accepted; a DOCTYPE with an internal subset (where entities live) is refused.
// The note body (ENML, XHTML in CDATA) is kept as written in fields.enml and turned into
// plain text for search; <en-todo> becomes [ ] / [x]; <en-crypt> sections are kept as
// opaque ciphertext and said so in fields (we never try to decrypt them). Resources
// (base64) become attachment files; a corrupt one is refused, the note kept.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { StringDecoder } from 'node:string_decoder';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedFile, ParsedItem } from '../types';
import { markupToText, type MarkupText } from './markup-text';
import { decodeBase64Strict, hashKey, safeFileName, validTime } from './util';

const MAX_DEPTH = 64;

interface OpenNote {
  fields: Record<string, string>;
  attributes: Record<string, string>;
  resources: Array<{ data: string; mime: string; attributes: Record<string, string> }>;
  tags: string[];
  line: number;
}

/** "20240112T072527Z" → ms. */
export function enexTime(s: string | undefined): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec((s ?? '').trim());
  if (!m) return undefined;
  return validTime(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** ENML → plain text for search, plus the encrypted sections found (linear: see markup-text.ts). */
export function enmlToText(enml: string): MarkupText {
  return markupToText(enml);
}

function noteItem(n: OpenNote, index: number, ctx: ImportContext): ParsedItem {
  const enml = n.fields.content ?? '';
  const { text, encrypted } = enmlToText(enml);
  const title = (n.fields.title ?? '').trim();
  const files: ParsedFile[] = [];
  const resources: Array<Record<string, unknown>> = [];
  const used = new Set<string>();
  n.resources.forEach((r, i) => {
    const bytes = decodeBase64Strict(r.data);
    const fileName = safeFileName(r.attributes['file-name'] ?? '', `resource-${i + 1}`);
    if (!bytes) {
      ctx.refuse(`note ${index} (line ${n.line}), resource ${i + 1}`, `The attachment "${fileName}" is not valid base64 and was left out; the note was kept.`);
      resources.push({ name: fileName, mime: r.mime, refused: 'invalid base64' });
      return;
    }
    let name = fileName;
    while (used.has(name)) name = `${i + 1}-${name}`;
    used.add(name);
    files.push({ role: 'attachment', name, mime: r.mime || 'application/octet-stream', data: bytes });
    resources.push({ name, mime: r.mime, bytes: bytes.length, attributes: r.attributes });
  });
  const created = enexTime(n.fields.created);
  const updated = enexTime(n.fields.updated);
  const fields: Record<string, unknown> = { format: 'evernote-enex', title, enml, text, tags: n.tags, attributes: n.attributes, resources };
  if (created !== undefined) fields.createdAt = created;
  if (updated !== undefined) fields.updatedAt = updated;
  if (encrypted.length) {
    fields.encryptedSections = encrypted; // opaque: kept exactly, never decrypted here
    fields.hasEncryptedContent = true;
  }
  const item: ParsedItem = {
    category: 'note',
    sourceKey: hashKey('enex', n.fields.created ?? '', title, enml),
    title: title || text.split('\n')[0]?.slice(0, 120) || 'Untitled note',
    text: [title, text, n.tags.map((t) => `#${t}`).join(' '), n.attributes['source-url'] ?? ''].filter(Boolean).join('\n'),
    fields,
    personal: true,
  };
  if (files.length) item.files = files;
  const when = updated ?? created;
  if (when !== undefined) item.occurredAt = when;
  const lat = Number(n.attributes.latitude);
  const lon = Number(n.attributes.longitude);
  if (n.attributes.latitude && n.attributes.longitude && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) item.location = { lat, lon };
  return item;
}

export async function* importEnex(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const parser = new SaxesParser({ position: true });
  const queue: ParsedItem[] = [];
  let failure: KeepsakeError | null = null;
  const stack: string[] = [];
  let note: OpenNote | null = null;
  let resource: OpenNote['resources'][number] | null = null;
  let text = '';
  let count = 0;
  let root: string | null = null;
  const fail = (e: KeepsakeError) => {
    failure ??= e;
  };
  parser.on('doctype', (d) => {
    if (d.includes('[')) fail(new KeepsakeError('UNSUPPORTED', 'This Evernote export declares its own DTD entities; that is never needed and is refused because it can be used to attack the reader.'));
  });
  parser.on('error', (err) => fail(new KeepsakeError('CORRUPT', `The export is broken at line ${parser.line}: ${err.message.replace(/^(?:.*?:)?\d+:\d+: /, '')}.`)));
  parser.on('opentag', (tag) => {
    if (failure) return;
    const t = tag as SaxesTagPlain;
    stack.push(t.name);
    text = '';
    if (stack.length > MAX_DEPTH) return fail(new KeepsakeError('UNSUPPORTED', `The export nests deeper than ${MAX_DEPTH} levels; refused.`));
    if (stack.length === 1) {
      root = t.name;
      if (t.name !== 'en-export') fail(new KeepsakeError('UNSUPPORTED', `This XML starts with <${t.name}>, not <en-export>; it is not an Evernote export.`));
    }
    if (t.name === 'note' && stack.length === 2) note = { fields: {}, attributes: {}, resources: [], tags: [], line: parser.line };
    if (t.name === 'resource' && note) resource = { data: '', mime: '', attributes: {} };
  });
  parser.on('text', (t) => {
    text += t;
  });
  parser.on('cdata', (t) => {
    text += t;
  });
  parser.on('closetag', (tag) => {
    if (failure) return;
    const name = tag.name;
    const parent = stack[stack.length - 2];
    const n = note as OpenNote | null;
    const r = resource as OpenNote['resources'][number] | null;
    if (n && name !== 'note') {
      if (r && name === 'data') r.data = text;
      else if (r && name === 'mime') r.mime = text.trim();
      else if (r && parent === 'resource-attributes') r.attributes[name] = text.trim();
      else if (name === 'resource') {
        if (r) n.resources.push(r);
        resource = null;
      } else if (name === 'tag' && parent === 'note') n.tags.push(text.trim());
      else if (parent === 'note-attributes') n.attributes[name] = text.trim();
      else if (parent === 'note' && name !== 'note-attributes') n.fields[name] = name === 'content' ? text : text.trim();
    }
    if (name === 'note' && n) {
      count++;
      queue.push(noteItem(n, count, ctx));
      note = null;
    }
    stack.pop();
    text = '';
  });
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  for await (const chunk of input.open() as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    parser.write(decoder.write(chunk));
    if (failure) break;
    while (queue.length) yield queue.shift()!;
    ctx.report({ bytes, items: count });
    await ctx.checkpoint();
  }
  if (!failure) {
    parser.write(decoder.end());
    parser.close();
  }
  while (queue.length) yield queue.shift()!;
  if (failure) {
    const e = failure as KeepsakeError;
    if (count === 0) throw e;
    ctx.refuse(`line ${parser.line}`, `${e.message} The notes before that point were kept.`);
    return;
  }
  if (root === null) throw new KeepsakeError('CORRUPT', 'The file is empty.');
}
