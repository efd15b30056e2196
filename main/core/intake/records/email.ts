// Email: .eml (one RFC 5322 message) and mbox (many, split on "From " lines) → email items.
// mailparser does the MIME work: every charset through iconv-lite/libmime (utf-7, cp1252,
// ISO-2022-JP, Shift_JIS, ks_c_5601-1987…), RFC 2047/2231 names, nested multiparts.
// Attachments are kept as files, including the ones we do not interpret (winmail.dat TNEF,
// BinHex, uuencoded parts): they stay opaque bytes the person can still open elsewhere.
// HTML is kept as written in fields.html; it is sanitised when displayed, never here.
// The original message bytes are kept too (role 'original'), so nothing is lost to parsing.
//
// mbox: split streaming on lines that start with "From " at the start of the file or after
// a blank line (mboxo and mboxrd agree on this), un-escaping ">From " the mboxrd way
// (one '>' removed from ">+From "), which is also right for every mboxo message that
// was escaped. A message over MAX_MESSAGE_BYTES is refused by position; the rest go on.
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, ParsedFile, ParsedItem } from '../types';
import { readLines } from './lines';
import { markupToText } from './markup-text';
import { decodeUtf7 } from './utf7';
import { hashKey, readAll, safeFileName, validTime } from './util';

const MAX_MESSAGE_BYTES = 200 * 1024 * 1024;
const MAX_EML_BYTES = MAX_MESSAGE_BYTES;

function addresses(a: AddressObject | AddressObject[] | undefined): Array<{ name: string; address: string }> {
  if (!a) return [];
  const list = Array.isArray(a) ? a : [a];
  const out: Array<{ name: string; address: string }> = [];
  const walk = (vals: AddressObject['value']) => {
    for (const v of vals) {
      if (v.group) walk(v.group);
      else out.push({ name: v.name ?? '', address: v.address ?? '' });
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

function fmt(list: Array<{ name: string; address: string }>): string {
  return list.map((x) => (x.name && x.address ? `${x.name} <${x.address}>` : x.name || x.address)).join(', ');
}


/** Parses one raw message into an item (never throws for malformed mail: mailparser is lenient). */
export async function emailItem(raw: Buffer, position: string, ctx: ImportContext): Promise<ParsedItem> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: 10 * 1024 * 1024 });
  } catch (e) {
    throw new KeepsakeError('CORRUPT', `The message at ${position} could not be read as email: ${(e as Error).message}`);
  }
  // UTF-7 words in headers and a UTF-7 text/plain body arrive undecoded (see utf7.ts).
  const head = raw.subarray(0, Math.min(raw.length, 65536)).toString('latin1');
  const utf7Headers = /=\?utf-7\?/i.test(head);
  const ctype = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const utf7Body = /^utf-?7$/i.test(ctype?.params?.charset ?? '') && /^text\/plain$/i.test(ctype?.value ?? '');
  const h7 = (v: string) => (utf7Headers ? decodeUtf7(v) : v);
  const from = addresses(mail.from).map((x) => ({ ...x, name: h7(x.name) }));
  const to = addresses(mail.to).map((x) => ({ ...x, name: h7(x.name) }));
  const cc = addresses(mail.cc).map((x) => ({ ...x, name: h7(x.name) }));
  const bcc = addresses(mail.bcc);
  const subject = h7(mail.subject ?? '');
  const files: ParsedFile[] = [{ role: 'original', name: 'message.eml', mime: 'message/rfc822', data: raw }];
  const used = new Set<string>();
  const attachments = mail.attachments.map((a, i) => {
    let name = safeFileName(a.filename ?? `attachment-${i + 1}${a.contentType === 'message/rfc822' ? '.eml' : ''}`);
    while (used.has(name)) name = `${i + 1}-${name}`;
    used.add(name);
    files.push({ role: 'attachment', name, mime: a.contentType || 'application/octet-stream', data: a.content });
    const meta: Record<string, unknown> = { name, mime: a.contentType, bytes: a.size, disposition: a.contentDisposition, related: a.related ?? false };
    if (a.contentId) meta.contentId = a.contentId;
    if (a.checksum) meta.md5 = a.checksum;
    return meta;
  });
  const headers: Record<string, string> = {};
  for (const h of mail.headerLines) {
    const key = h.key.toLowerCase();
    if (key === '__proto__' || key === 'constructor') continue;
    const value = h.line.slice(h.line.indexOf(':') + 1).trim();
    headers[key] = headers[key] ? `${headers[key]}\n${value}` : value;
  }
  // mailparser substitutes "now" for an unreadable Date header; we keep no date instead.
  const date = mail.date && headers.date && !Number.isNaN(new Date(headers.date).getTime()) ? validTime(mail.date.getTime()) : undefined;
  if (headers.date && date === undefined) ctx.refuse(position, `The Date header "${headers.date.slice(0, 60)}" could not be read; the message was kept without a date.`);
  const plain = mail.text ?? (typeof mail.html === 'string' ? markupToText(mail.html).text : '');
  const textBody = utf7Body ? decodeUtf7(plain) : plain;
  const messageId = mail.messageId?.trim();
  const fields: Record<string, unknown> = {
    format: 'email',
    subject,
    from,
    to,
    cc,
    bcc,
    text: textBody,
    attachments,
    headers,
  };
  if (typeof mail.html === 'string') fields.html = mail.html; // sanitised at display time
  if (messageId) fields.messageId = messageId;
  if (mail.inReplyTo) fields.inReplyTo = mail.inReplyTo;
  if (mail.references) fields.references = mail.references;
  if (headers['x-mailer'] ?? headers['user-agent']) fields.mailer = headers['x-mailer'] ?? headers['user-agent']; // app metadata, personal while linked
  const item: ParsedItem = {
    category: 'email',
    // The raw bytes, not the Message-ID alone: test suites and broken mailers reuse ids for
    // different messages, and the vault treats a known key with new content as an update,
    // so two files sharing an id would overwrite each other on every import.
    sourceKey: hashKey('email', messageId ?? '', raw),
    title: subject || '(no subject)',
    text: [subject, fmt(from), fmt(to), fmt(cc), textBody, ...attachments.map((a) => String(a.name))].filter(Boolean).join('\n'),
    fields,
    personal: true,
    files,
  };
  if (date !== undefined) item.occurredAt = date;
  return item;
}

/** The importer for one .eml file. */
export async function* importEml(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const raw = await readAll(input, MAX_EML_BYTES, 'email message');
  if (raw.length === 0) throw new KeepsakeError('CORRUPT', 'The file is empty.');
  if (!looksLikeMessage(raw)) throw new KeepsakeError('UNSUPPORTED', 'This file does not start with email headers ("Name: value" lines), so it is not an .eml message.');
  ctx.report({ bytes: raw.length, items: 1 });
  yield await emailItem(raw, 'message 1', ctx);
}

/** True when the first line is an RFC 5322 header (or an mbox From_ line). */
export function looksLikeMessage(head: Buffer): boolean {
  const first = head.subarray(0, 2048).toString('latin1').replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return /^[!-9;-~]+:/.test(first) || /^From \S/.test(first);
}

/** The importer for an mbox file: streamed, one message at a time. */
export async function* importMbox(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  let parts: Buffer[] = [];
  let size = 0;
  let index = 0;
  let startLine = 0;
  let oversized = false;
  let prevBlank = true;
  let first = true;
  let count = 0;
  const flush = async function* (): AsyncGenerator<ParsedItem> {
    if (index === 0) return;
    const position = `message ${index} (line ${startLine})`;
    if (oversized) {
      ctx.refuse(position, `This message is larger than ${MAX_MESSAGE_BYTES / 1048576} MB and was skipped.`);
    } else {
      // The blank line before the next From_ belongs to the mbox, not the message.
      while (parts.length >= 2 && parts[parts.length - 2]!.length === 0) parts.splice(parts.length - 2, 2);
      const raw = Buffer.concat(parts);
      count++;
      ctx.report({ items: count });
      yield await emailItem(raw, position, ctx);
    }
    parts = [];
    size = 0;
    oversized = false;
  };
  for await (const line of readLines(input.open(), MAX_MESSAGE_BYTES)) {
    const b = line.bytes;
    if (first) {
      first = false;
      if (!b.subarray(0, 5).equals(Buffer.from('From '))) {
        throw new KeepsakeError('UNSUPPORTED', 'This file does not start with a "From " line, so it is not an mbox mailbox.');
      }
    }
    const isFrom = prevBlank && b.length >= 5 && b[0] === 0x46 && b.subarray(0, 5).equals(Buffer.from('From '));
    prevBlank = b.length === 0;
    if (isFrom) {
      yield* flush();
      index++;
      startLine = line.number;
      await ctx.checkpoint();
      ctx.report({ bytes: line.offset });
      continue;
    }
    if (oversized) continue;
    let content = b;
    const m = /^>+From /.exec(b.subarray(0, 64).toString('latin1'));
    if (m) content = b.subarray(1); // mboxrd un-escaping
    size += content.length + 2;
    if (size > MAX_MESSAGE_BYTES) {
      oversized = true;
      parts = [];
      continue;
    }
    parts.push(content, line.crlf ? CRLF : LF);
  }
  yield* flush();
  if (index === 0) throw new KeepsakeError('CORRUPT', 'The file is empty.');
}

const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');
