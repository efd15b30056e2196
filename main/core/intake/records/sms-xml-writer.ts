// Writes messages and calls back as "SMS Backup & Restore" XML (what the Android app
// restores from), from the attributes the parser kept: <smses> with <sms> and <mms> (parts
// with their attachment bytes as base64, addrs), or <calls> with <call>. Characters
// outside the BMP are written as the app writes them, as one UTF-16 surrogate pair of
// character references, so the phone app reads them back; the parser joins them again.
import type { ParsedItem } from '../types';

function esc(v: string): string {
  let out = '';
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === '\n') out += '&#10;';
    else if (ch === '\r') out += '&#13;';
    else if (ch === '\t') out += '&#9;';
    else if (cp < 0x20 || cp === 0xfffe || cp === 0xffff) out += ''; // not representable in XML 1.0
    else if (cp > 0xffff) out += `&#${ch.charCodeAt(0)};&#${ch.charCodeAt(1)};`;
    else out += ch;
  }
  return out;
}

function attrs(a: Record<string, unknown>): string {
  return Object.entries(a)
    .filter(([k, v]) => /^[A-Za-z_][\w.-]*$/.test(k) && v !== undefined && v !== null)
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
}

interface SmsFields {
  kind?: string;
  attributes?: Record<string, string>;
  parts?: Array<Record<string, unknown>>;
  addresses?: Array<Record<string, string>>;
}

function mmsXml(item: ParsedItem): string {
  const f = item.fields as SmsFields;
  const parts = (f.parts ?? []).map((p) => {
    const { file, bytes: _bytes, refused: _refused, ...rest } = p as Record<string, unknown>;
    const data = typeof file === 'string' ? item.files?.find((x) => x.name === file)?.data : undefined;
    const withData = Buffer.isBuffer(data) ? { ...rest, data: data.toString('base64') } : rest;
    return `      <part${attrs(withData)} />`;
  });
  const addrs = (f.addresses ?? []).map((a) => `      <addr${attrs(a)} />`);
  return [`  <mms${attrs(f.attributes ?? {})}>`, '    <parts>', ...parts, '    </parts>', '    <addrs>', ...addrs, '    </addrs>', '  </mms>'].join('\n');
}

/** Messages (SMS and MMS) → an <smses> document. */
export function writeSmsXml(items: ParsedItem[]): string {
  const msgs = items.filter((i) => i.category === 'message');
  const body = msgs.map((i) => ((i.fields as SmsFields).kind === 'mms' ? mmsXml(i) : `  <sms${attrs((i.fields as SmsFields).attributes ?? {})} />`));
  return [`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>`, `<smses count="${msgs.length}">`, ...body, '</smses>', ''].join('\n');
}

/** Calls → a <calls> document. */
export function writeCallsXml(items: ParsedItem[]): string {
  const calls = items.filter((i) => i.category === 'call');
  const body = calls.map((i) => `  <call${attrs((i.fields as SmsFields).attributes ?? {})} />`);
  return [`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>`, `<calls count="${calls.length}">`, ...body, '</calls>', ''].join('\n');
}
