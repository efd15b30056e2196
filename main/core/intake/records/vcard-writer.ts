// Writes contacts back as vCard 3.0 (for restore bundles and exports), from what the
// parser kept in fields.properties: every property, group and parameter, in order, with
// text escaped (\\ \, \; \n), structured values re-joined, embedded files (PHOTO, LOGO,
// SOUND, KEY) written back as base64, and lines folded at 75 octets without splitting a
// UTF-8 character. Parsing the output gives the same properties (tested as a property).
import type { ParsedFile } from '../types';
import type { VCardProperty } from './vcard';

/** Parameters the writer decides itself (the output is always UTF-8 and 8-bit/base64). */
const DROPPED_PARAMS = new Set(['ENCODING', 'CHARSET']);

function escapeText(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\r\n|\r|\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

function paramValue(v: string): string {
  const clean = v.replace(/["\r\n]/g, '');
  return /[;:,]/.test(clean) ? `"${clean}"` : clean;
}

/** Folds a line at 75 octets (RFC 6350 §3.2), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--; // back off a continuation byte
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74; // continuation lines start with one space
  }
  return parts.join('\r\n ');
}

function head(p: VCardProperty, extra: Record<string, string[]> = {}): string {
  const params = { ...p.params, ...extra };
  const ps = Object.entries(params)
    .filter(([k, vs]) => !DROPPED_PARAMS.has(k) && vs.length > 0)
    .map(([k, vs]) => `;${k}=${vs.map(paramValue).join(',')}`)
    .join('');
  return `${p.group ? `${p.group}.` : ''}${p.name}${ps}`;
}

/** One contact → vCard 3.0 text (CRLF line ends). */
export function writeVCard(contact: { properties: VCardProperty[]; files?: ParsedFile[] }): string {
  const lines = ['BEGIN:VCARD', 'VERSION:3.0'];
  for (const p of contact.properties) {
    if (p.name === 'VERSION' || p.name === 'BEGIN' || p.name === 'END') continue;
    const fileName = (p as VCardProperty & { file?: string }).file;
    if (fileName !== undefined) {
      const f = contact.files?.find((x) => x.name === fileName);
      if (!f || !Buffer.isBuffer(f.data)) continue; // a refused or streamed file cannot be embedded
      lines.push(foldLine(`${head(p, { ENCODING: [] })};ENCODING=b:${f.data.toString('base64')}`));
      continue;
    }
    if ((p as VCardProperty & { refused?: string }).refused) continue;
    const value = p.components ? p.components.map(escapeText).join(';') : /^(URL|UID|TEL|GEO|KEY|PHOTO|SOUND|LOGO|SOURCE|IMPP|MEMBER|RELATED|FBURL|CALURI|CALADRURI)$/.test(p.name) ? p.value.replace(/\r?\n/g, '\\n') : escapeText(p.value);
    lines.push(foldLine(`${head(p)}:${value}`));
  }
  lines.push('END:VCARD');
  return `${lines.join('\r\n')}\r\n`;
}
