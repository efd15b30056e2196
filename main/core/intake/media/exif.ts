// Reads the photo metadata we keep (time, camera, orientation, GPS) with exifr, the
// maintained EXIF/TIFF/XMP reader. exifr throws (RangeError and friends) on malformed
// files; a photo with unreadable metadata is still a photo, so every failure becomes
// { unreadable: reason } and the caller keeps the image. [Note: Metadata never refuses a photo]
import exifr from 'exifr';

export interface PhotoMetadata {
  make?: string;
  model?: string;
  /** Capture time in ms since the epoch. */
  takenAt?: number;
  /** 'exif-offset' when the EXIF carried a UTC offset; 'floating' when read as UTC wall-clock. */
  timeBasis?: 'exif-offset' | 'floating' | 'xmp';
  orientation?: number;
  lat?: number;
  lon?: number;
  width?: number;
  height?: number;
  software?: string;
  /** True when the file carries camera EXIF (Make/Model/exposure), used by the screenshot rule. */
  hasCameraExif: boolean;
  /** Set when exifr could not read the metadata; the photo is kept regardless. */
  unreadable?: string;
}

const OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  xmp: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: true,
  translateValues: false,
  reviveValues: false,
  mergeOutput: true,
  silentErrors: false,
  // Only the segments exifr needs are read; a cap on chunked reads bounds memory.
  chunked: false,
} as const;

/** EXIF "YYYY:MM:DD HH:MM:SS" (+ optional "+HH:MM") → ms, or undefined when not a real date. */
export function parseExifDate(value: unknown, offset?: unknown): { ms: number; withOffset: boolean } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, inlineZone] = m;
  const zone = inlineZone ?? (typeof offset === 'string' && /^[+-]\d{2}:?\d{2}$/.test(offset.trim()) ? offset.trim() : undefined);
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (!Number.isFinite(base) || Number(y) < 1900 || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return undefined;
  if (!zone || zone === 'Z') return { ms: base, withOffset: zone === 'Z' };
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return { ms: base - sign * minutes * 60_000, withOffset: true };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.replace(/\0+$/, '').trim() : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export async function readPhotoMetadata(bytes: Buffer): Promise<PhotoMetadata> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = (await exifr.parse(bytes, OPTIONS)) as Record<string, unknown> | undefined;
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error';
    return { hasCameraExif: false, unreadable: `metadata unreadable (${why.slice(0, 120)})` };
  }
  if (!raw) return { hasCameraExif: false };
  const out: PhotoMetadata = { hasCameraExif: false };
  const make = str(raw.Make);
  const model = str(raw.Model);
  if (make) out.make = make;
  if (model) out.model = model;
  const software = str(raw.Software) ?? str(raw.CreatorTool);
  if (software) out.software = software;
  const taken = parseExifDate(raw.DateTimeOriginal, raw.OffsetTimeOriginal) ?? parseExifDate(raw.CreateDate, raw.OffsetTimeDigitized ?? raw.OffsetTime);
  if (taken) {
    out.takenAt = taken.ms;
    out.timeBasis = taken.withOffset ? 'exif-offset' : 'floating';
  }
  const orientation = num(raw.Orientation);
  if (orientation !== undefined && orientation >= 1 && orientation <= 8) out.orientation = orientation;
  const lat = num(raw.latitude);
  const lon = num(raw.longitude);
  if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)) {
    out.lat = lat;
    out.lon = lon;
  }
  const w = num(raw.ExifImageWidth) ?? num(raw.ImageWidth);
  const h = num(raw.ExifImageHeight) ?? num(raw.ImageHeight);
  if (w && h) {
    out.width = w;
    out.height = h;
  }
  out.hasCameraExif = Boolean(make || model || raw.ExposureTime !== undefined || raw.FNumber !== undefined);
  return out;
}
