// The entry-name sanitiser: every name that comes out of an archive (zip, tar, Android
// backup, Manifest.db) passes through here before it is used for anything — display,
// dispatch, or a file in the staging area. [Note: Zip slip] Names are hostile: "../x",
// "/etc/x", "C:/x", "a\\..\\x", NUL bytes, 4 KB names, Windows reserved names. We do not
// try to "fix" traversal: a name that escapes its root is refused, and the caller reports
// the entry by (a printable form of) its name. Staging files never use entry names as
// paths anyway (see staging.ts), so this is defence in depth. Names are kept as written
// (NFC and NFD twins, case twins stay distinct entries).
import { KeepsakeError } from '../../../../common/errors';

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/**
 * True when a name segment could not be written as-is on Windows (reserved device name,
 * trailing dot/space, <>:"|?*). Such names are legal in archives and are KEPT (staging
 * never uses entry names as paths); restore/export must rename them.
 */
export function needsRenameOnWindows(segment: string): boolean {
  return RESERVED.test(segment) || /[. ]$/.test(segment) || /[<>:"|?*]/.test(segment);
}

export interface SafeName {
  /** Normalised relative path with '/' separators, no '.' or '..' segments. */
  path: string;
  segments: string[];
}

/** A printable, bounded rendering of a hostile name for reports and logs. */
export function printableName(raw: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we mask
  const s = raw.replace(/[\u0000-\u001f\u007f]/g, '?');
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/**
 * Validates an entry name; throws KeepsakeError('UNSUPPORTED') with a plain reason when it
 * is unsafe. Directory entries (trailing '/') return their path without the slash.
 */
export function sanitizeEntryName(raw: string, maxBytes = 1024): SafeName {
  const bad = (why: string): KeepsakeError => new KeepsakeError('UNSUPPORTED', `The entry "${printableName(raw)}" was skipped: ${why}.`);
  if (typeof raw !== 'string' || raw.length === 0) throw bad('it has no name');
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw bad('its name is too long');
  if (raw.includes('\u0000')) throw bad('its name contains a NUL character');
  // eslint-disable-next-line no-control-regex -- see above
  if (/[\u0001-\u001f\u007f]/.test(raw)) throw bad('its name contains control characters');
  if (raw.includes('\\')) throw bad('its name uses backslashes, which could point outside the archive');
  if (raw.startsWith('/') || raw.startsWith('//')) throw bad('its name is an absolute path');
  if (/^[A-Za-z]:/.test(raw)) throw bad('its name starts with a drive letter');
  const segments = raw.split('/').filter((s, i, all) => !(s === '' && i === all.length - 1));
  const out: string[] = [];
  for (const seg of segments) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw bad('its name points outside the archive (..)');
    out.push(seg);
  }
  if (out.length === 0) throw bad('it has no name');
  // "./C:x" normalises to "C:x": still a drive-relative path on Windows.
  if (/^[A-Za-z]:/.test(out[0]!)) throw bad('its name starts with a drive letter');
  return { path: out.join('/'), segments: out };
}
