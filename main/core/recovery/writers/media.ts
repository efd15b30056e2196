// Photos, videos and screenshots → a dated folder tree (Photos/YYYY/MM/name). The copy's
// location follows the consent, never the original in the vault: JPEG copies get their
// GPS IFD rewritten (rounded or emptied, exif-gps.ts), PNG copies lose their eXIf chunk.
// Formats we cannot rewrite safely (HEIC, WebP, GIF, videos) travel unchanged only when
// precise location is allowed or the item has no location; otherwise the file is left
// out and the report says why — converting would silently change the picture.
import type { RecoveryCategory } from '../../../../common/contract/recovery';
import { safeFileName } from '../../intake/records/util';
import { rewriteJpegGps, stripPngLocation } from '../exif-gps';
import type { LocationPolicy } from '../location';

export type MediaCopy = { ok: true; bytes: Buffer; locationAs: 'precise' | 'approximate' | 'removed' | null } | { ok: false; reason: string };

export function mediaFolder(occurredAt: number | null): string {
  if (occurredAt === null) return 'Photos/Undated';
  const d = new Date(occurredAt);
  return `Photos/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function mediaName(name: string): string {
  return safeFileName(name, 'photo');
}

export function prepareMedia(category: RecoveryCategory, mime: string, bytes: Buffer, location: { lat: number; lon: number } | null, policy: LocationPolicy): MediaCopy {
  const e = policy.effective();
  if (e.precision === 'precise') {
    if (location) policy.point(category, location);
    return { ok: true, bytes, locationAs: location ? 'precise' : null };
  }
  const mode = e.precision === 'approximate' ? 'approximate' : 'none';
  if (/^image\/jpe?g$/i.test(mime)) {
    try {
      const r = rewriteJpegGps(bytes, mode);
      if (!r.changed && !location) return { ok: true, bytes, locationAs: null };
      if (r.kept) policy.point(category, r.kept);
      else policy.drop(category, e.reason ?? 'approximate location could not be kept in this photo');
      return { ok: true, bytes: r.bytes, locationAs: r.kept ? 'approximate' : 'removed' };
    } catch {
      if (!location) return { ok: true, bytes, locationAs: null };
      policy.drop(category, 'its EXIF data is damaged, so its location could not be removed');
      return { ok: false, reason: 'Its EXIF data is damaged, so its location could not be removed; the photo was not shared.' };
    }
  }
  if (/^image\/png$/i.test(mime)) {
    try {
      const r = stripPngLocation(bytes);
      if (!r.changed && !location) return { ok: true, bytes, locationAs: null };
      policy.drop(category, e.precision === 'approximate' ? 'a PNG cannot carry a rounded location, so it was removed' : (e.reason ?? 'no consent'));
      return { ok: true, bytes: r.bytes, locationAs: 'removed' };
    } catch {
      if (!location) return { ok: true, bytes, locationAs: null };
      policy.drop(category, 'the PNG is damaged, so its location could not be removed');
      return { ok: false, reason: 'The PNG is damaged, so its location could not be removed; the file was not shared.' };
    }
  }
  if (!location) return { ok: true, bytes, locationAs: null };
  policy.drop(category, `its location cannot be removed safely from a ${mime} file`);
  return { ok: false, reason: `It carries a location that cannot be removed safely from a ${mime} file, and precise location was not allowed; the file was not shared.` };
}
