// Small helpers the record parsers share: stable source keys, charset decoding with a
// safe fallback, strict base64, whole-input reads with a size cap, and inputs made from
// files or buffers (for tests and for containers handing entries to these parsers).
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportInput } from '../types';

/** A stable key: `<kind>:<sha256 of the parts>` (first 32 hex digits). */
export function hashKey(kind: string, ...parts: unknown[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'string' ? p : Buffer.isBuffer(p) ? p : JSON.stringify(p) ?? 'undefined');
    h.update('\u0000');
  }
  return `${kind}:${h.digest('hex').slice(0, 32)}`;
}

/** Aliases phones and mail clients use that WHATWG TextDecoder does not know. */
const CHARSET_ALIASES: Record<string, string> = {
  'ks_c_5601-1987': 'euc-kr',
  ks_c_5601: 'euc-kr',
  'x-sjis': 'shift_jis',
  'shift-jis': 'shift_jis',
  'x-mac-roman': 'macintosh',
  'cp-850': 'ibm866',
  utf8: 'utf-8',
};

/** Decodes bytes in the named charset; unknown charsets and invalid UTF-8 fall back to Latin-1 (never throws). */
export function decodeText(bytes: Uint8Array, charset?: string): { text: string; fellBack: boolean } {
  const label = (charset ?? 'utf-8').trim().toLowerCase();
  const name = CHARSET_ALIASES[label] ?? label;
  try {
    return { text: new TextDecoder(name, { fatal: true }).decode(bytes), fellBack: false };
  } catch {
    // Unknown label or bytes invalid in that charset: keep every byte readable as Latin-1
    // (windows-1252), which maps each byte to one character so nothing is lost.
    return { text: new TextDecoder('windows-1252').decode(bytes), fellBack: true };
  }
}

/**
 * Base64 that refuses characters outside the alphabet (null) but, like phones' own
 * readers, tolerates a wrong length (BlackBerry writes one stray character).
 */
export function decodeBase64Strict(text: string): Buffer | null {
  const clean = text.replace(/[\s]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) && !/^[A-Za-z0-9_-]*={0,2}$/.test(clean)) return null;
  return Buffer.from(clean, clean.includes('-') || clean.includes('_') ? 'base64url' : 'base64');
}

/** Reads a whole input into memory, refusing inputs larger than maxBytes. */
export async function readAll(input: ImportInput, maxBytes: number, what: string): Promise<Buffer> {
  if (input.size > maxBytes) {
    throw new KeepsakeError('UNSUPPORTED', `This ${what} is ${Math.round(input.size / 1048576)} MB; files of this kind over ${Math.round(maxBytes / 1048576)} MB are refused.`);
  }
  const chunks: Buffer[] = [];
  let len = 0;
  for await (const chunk of input.open() as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    len += b.length;
    if (len > maxBytes) throw new KeepsakeError('UNSUPPORTED', `This ${what} is larger than ${Math.round(maxBytes / 1048576)} MB and is refused.`);
    chunks.push(b);
  }
  return Buffer.concat(chunks, len);
}

/** An input backed by a file on disk (siblings are files in the same folder). */
export function fileInput(path: string, displayPath = path): ImportInput {
  const size = statSync(path).size;
  return {
    path: displayPath,
    size,
    open: () => createReadStream(path),
    sibling(name: string) {
      if (name !== basename(name) || name === '..' || name === '.' || name.includes('\u0000')) return null;
      const p = join(dirname(path), name);
      try {
        if (!statSync(p).isFile()) return null;
      } catch {
        return null;
      }
      return fileInput(p, join(dirname(displayPath), name));
    },
  };
}

/** An input backed by bytes in memory (tests, small container entries). */
export function bufferInput(path: string, bytes: Buffer, siblings?: Record<string, Buffer>): ImportInput {
  return {
    path,
    size: bytes.length,
    open: () => Readable.from([bytes]),
    sibling(name: string) {
      const b = siblings?.[name];
      return b ? bufferInput(name, b) : null;
    },
  };
}

/** MIME type from a loose type name ("JPEG", "image/png", "jpg"). */
export function imageMime(type: string | undefined): { mime: string; ext: string } {
  const t = (type ?? '').toLowerCase();
  if (t.includes('png')) return { mime: 'image/png', ext: 'png' };
  if (t.includes('gif')) return { mime: 'image/gif', ext: 'gif' };
  if (t.includes('bmp')) return { mime: 'image/bmp', ext: 'bmp' };
  if (t.includes('heic')) return { mime: 'image/heic', ext: 'heic' };
  if (t.includes('webp')) return { mime: 'image/webp', ext: 'webp' };
  if (t.includes('jp')) return { mime: 'image/jpeg', ext: 'jpg' };
  return { mime: 'application/octet-stream', ext: 'bin' };
}

/** Sniffs an image type from magic bytes. */
export function sniffImage(bytes: Buffer): { mime: string; ext: string } | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg' };
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { mime: 'image/png', ext: 'png' };
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return { mime: 'image/gif', ext: 'gif' };
  return null;
}

/** Milliseconds since the epoch, or undefined when not a finite date. */
export function validTime(ms: number): number | undefined {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? ms : undefined;
}

/** Drops control characters (below U+0020, and U+007F) except the ones listed in keep. */
export function withoutControls(s: string, keep = ''): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c < 0x20 || c === 0x7f) && !keep.includes(ch)) continue;
    out += ch;
  }
  return out;
}

/** A file name from a source, made safe to show and store: no separators, controls or leading dots. */
export function safeFileName(name: string, fallback = 'attachment'): string {
  return withoutControls(name.replace(/[\\/]/g, '_')).replace(/^\.+/, '').slice(0, 200) || fallback;
}
