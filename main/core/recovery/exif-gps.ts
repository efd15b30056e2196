// Location in photo copies, rewritten without touching the vault's originals: a bounded
// EXIF GPS rewriter for JPEG (APP1 "Exif" TIFF IFDs) and a chunk filter for PNG. Only the
// GPS IFD changes — orientation, dates and camera data stay — so a JPEG copy is the same
// picture, byte for byte outside its GPS fields. 'approximate' keeps latitude/longitude
// rounded to 0.01° (about 1 km) and removes every other GPS tag (altitude, direction,
// destination, timestamps, processing method), zeroing their bytes so nothing precise
// lingers as orphaned data; 'none' empties the GPS IFD. XMP packets that mention GPS are
// dropped whole (they can repeat the coordinates). PNG has no safe place for a rounded
// value, so a PNG's eXIf and GPS-bearing text chunks are dropped under both modes.
import { KeepsakeError } from '../../../common/errors';
import { coarsen } from '../privacy/location-gate';

export type StripMode = 'approximate' | 'none';

export interface GpsRewrite {
  bytes: Buffer;
  /** True if the input carried GPS or a GPS-bearing XMP packet that was changed or removed. */
  changed: boolean;
  /** Coordinates left in the copy (approximate mode), if any. */
  kept: { lat: number; lon: number } | null;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };
const MAX_ENTRIES = 512;
const GPS_POINTER = 0x8825;
const XMP_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');

function corrupt(what: string): never {
  throw new KeepsakeError('CORRUPT', `The photo's EXIF data is damaged (${what}).`);
}

/** A view over one TIFF structure with bounds-checked reads and writes. */
class Tiff {
  readonly le: boolean;
  constructor(readonly b: Buffer) {
    if (b.length < 8) corrupt('too short');
    const order = b.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') corrupt('unknown byte order');
    this.le = order === 'II';
    if (this.u16(2) !== 42) corrupt('not a TIFF header');
  }
  check(off: number, len: number): void {
    if (off < 0 || len < 0 || off + len > this.b.length) corrupt('an offset points outside the data');
  }
  u16(o: number): number {
    this.check(o, 2);
    return this.le ? this.b.readUInt16LE(o) : this.b.readUInt16BE(o);
  }
  u32(o: number): number {
    this.check(o, 4);
    return this.le ? this.b.readUInt32LE(o) : this.b.readUInt32BE(o);
  }
  w16(o: number, v: number): void {
    this.check(o, 2);
    if (this.le) this.b.writeUInt16LE(v, o);
    else this.b.writeUInt16BE(v, o);
  }
  w32(o: number, v: number): void {
    this.check(o, 4);
    if (this.le) this.b.writeUInt32LE(v >>> 0, o);
    else this.b.writeUInt32BE(v >>> 0, o);
  }
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Where the 12-byte entry sits. */
  at: number;
  /** Where its value bytes live (inside the entry when ≤ 4 bytes). */
  valueAt: number;
  size: number;
}

function readIfd(t: Tiff, off: number): Entry[] {
  const n = t.u16(off);
  if (n > MAX_ENTRIES) corrupt('too many tags');
  t.check(off + 2, n * 12 + 4);
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) {
    const at = off + 2 + i * 12;
    const type = t.u16(at + 2);
    const count = t.u32(at + 4);
    const size = (TYPE_SIZE[type] ?? 1) * count;
    const valueAt = size <= 4 ? at + 8 : t.u32(at + 8);
    if (size > 4) t.check(valueAt, size);
    out.push({ tag: t.u16(at), type, count, at, valueAt, size });
  }
  return out;
}

function rational(t: Tiff, o: number): number {
  const den = t.u32(o + 4);
  return den === 0 ? NaN : t.u32(o) / den;
}

function coordinate(t: Tiff, e: Entry | undefined, ref: Entry | undefined, negative: string): number | null {
  if (!e || e.type !== 5 || e.count < 3) return null;
  const v = rational(t, e.valueAt) + rational(t, e.valueAt + 8) / 60 + rational(t, e.valueAt + 16) / 3600;
  if (!Number.isFinite(v)) return null;
  const r = ref ? t.b.toString('latin1', ref.valueAt, ref.valueAt + 1) : '';
  return r === negative ? -v : v;
}

function writeCoordinate(t: Tiff, e: Entry, v: number): void {
  // Degrees as one rational with two decimals, then 0 minutes and 0 seconds: exact for a rounded value.
  t.w32(e.valueAt, Math.round(Math.abs(v) * 100));
  t.w32(e.valueAt + 4, 100);
  for (let i = 8; i < 24; i += 8) {
    t.w32(e.valueAt + i, 0);
    t.w32(e.valueAt + i + 4, 1);
  }
}

/** Rewrites the GPS IFD of one TIFF structure in place. Returns whether GPS was present and what was kept. */
export function rewriteTiffGps(tiff: Buffer, mode: StripMode): { changed: boolean; kept: { lat: number; lon: number } | null } {
  const t = new Tiff(tiff);
  const ifd0 = readIfd(t, t.u32(4));
  const pointer = ifd0.find((e) => e.tag === GPS_POINTER);
  if (!pointer) return { changed: false, kept: null };
  const gpsAt = t.u32(pointer.at + 8);
  const entries = readIfd(t, gpsAt);
  if (entries.length === 0) return { changed: false, kept: null };
  const byTag = (tag: number) => entries.find((e) => e.tag === tag);
  let keep: Entry[] = [];
  let kept: { lat: number; lon: number } | null = null;
  if (mode === 'approximate') {
    const lat = coordinate(t, byTag(2), byTag(1), 'S');
    const lon = coordinate(t, byTag(4), byTag(3), 'W');
    if (lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      kept = coarsen({ lat, lon });
      writeCoordinate(t, byTag(2)!, kept.lat);
      writeCoordinate(t, byTag(4)!, kept.lon);
      keep = entries.filter((e) => e.tag <= 4); // version, refs, latitude, longitude
    }
  }
  const keepSet = new Set(keep);
  // Zero the value bytes of every removed tag, then the entries, then write the kept ones back in order.
  for (const e of entries) if (!keepSet.has(e) && e.size > 4) tiff.fill(0, e.valueAt, e.valueAt + e.size);
  const saved = keep.map((e) => Buffer.from(tiff.subarray(e.at, e.at + 12)));
  tiff.fill(0, gpsAt + 2, gpsAt + 2 + entries.length * 12 + 4);
  t.w16(gpsAt, saved.length);
  saved.forEach((s, i) => s.copy(tiff, gpsAt + 2 + i * 12));
  t.w32(gpsAt + 2 + saved.length * 12, 0);
  return { changed: true, kept };
}

/** JPEG: rewrites the GPS of the Exif APP1 segment and drops GPS-bearing XMP; everything else is copied as is. */
export function rewriteJpegGps(input: Buffer, mode: StripMode): GpsRewrite {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== 0xd8) throw new KeepsakeError('CORRUPT', 'This is not a JPEG file.');
  const out = Buffer.from(input);
  const drop: Array<[number, number]> = [];
  let changed = false;
  let kept: { lat: number; lon: number } | null = null;
  let p = 2;
  // Walk the marker segments up to the start of scan; the image data after it is never touched.
  while (p + 4 <= out.length) {
    if (out[p] !== 0xff) corrupt('a segment marker is missing');
    const marker = out[p + 1]!;
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    if (marker >= 0xd0 && marker <= 0xd7) {
      p += 2;
      continue;
    }
    const len = out.readUInt16BE(p + 2);
    if (len < 2 || p + 2 + len > out.length) corrupt('a segment runs past the end of the file');
    const body = out.subarray(p + 4, p + 2 + len);
    if (marker === 0xe1 && body.subarray(0, 6).equals(EXIF_HEADER)) {
      const r = rewriteTiffGps(body.subarray(6), mode);
      changed ||= r.changed;
      kept = r.kept ?? kept;
    } else if (marker === 0xe1 && body.subarray(0, XMP_HEADER.length).equals(XMP_HEADER) && /GPS(Latitude|Longitude)|exif:GPS/i.test(body.toString('latin1'))) {
      drop.push([p, p + 2 + len]);
      changed = true;
    }
    p += 2 + len;
  }
  if (drop.length === 0) return { bytes: out, changed, kept };
  const parts: Buffer[] = [];
  let from = 0;
  for (const [a, b] of drop) {
    parts.push(out.subarray(from, a));
    from = b;
  }
  parts.push(out.subarray(from));
  return { bytes: Buffer.concat(parts), changed, kept };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG: drops eXIf chunks and text chunks that carry XMP or GPS; pixels and other chunks are copied as is. */
export function stripPngLocation(input: Buffer): GpsRewrite {
  if (input.length < 8 || !input.subarray(0, 8).equals(PNG_SIGNATURE)) throw new KeepsakeError('CORRUPT', 'This is not a PNG file.');
  const parts: Buffer[] = [input.subarray(0, 8)];
  let changed = false;
  let ended = false;
  let p = 8;
  while (p + 12 <= input.length) {
    const len = input.readUInt32BE(p);
    const end = p + 12 + len;
    if (end > input.length) throw new KeepsakeError('CORRUPT', 'A PNG chunk runs past the end of the file.');
    const type = input.toString('latin1', p + 4, p + 8);
    const data = input.subarray(p + 8, p + 8 + len);
    const gpsText = (type === 'iTXt' || type === 'tEXt' || type === 'zTXt') && /XML:com\.adobe\.xmp|GPS/i.test(data.toString('latin1'));
    if (type === 'eXIf' || gpsText) changed = true;
    else parts.push(input.subarray(p, end));
    p = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) throw new KeepsakeError('CORRUPT', 'The PNG file ends early.');
  return { bytes: Buffer.concat(parts), changed, kept: null };
}
