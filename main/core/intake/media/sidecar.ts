// Google Photos (Takeout) JSON sidecars: the times, places, titles and people that Google
// keeps beside each photo. [Note: Sidecar names] Takeout names the sidecar after the media
// file, in several ways that real archives mix:
//   IMG_1234.jpg            → IMG_1234.jpg.json | IMG_1234.jpg.supplemental-metadata.json
//   long names              → cut to 51 characters including ".json":
//                             IMG_20180725_163423.jpg.supplemental-metad.json, IMG_1234.jp.json
//   IMG_1234(1).jpg         → IMG_1234.jpg(1).json | IMG_1234.jpg.supplemental-metadata(1).json
//   IMG_1234-edited.jpg     → the original's sidecar (IMG_1234.jpg.json)
// sidecarCandidates() lists the names to try, most specific first.

export interface Sidecar {
  title?: string;
  description?: string;
  takenAt?: number;
  createdAt?: number;
  lat?: number;
  lon?: number;
  people?: string[];
  url?: string;
  device?: string;
}

export const MAX_SIDECAR_BYTES = 1024 * 1024;
const SUFFIX = '.supplemental-metadata';

export function sidecarCandidates(mediaName: string): string[] {
  const out: string[] = [];
  const add = (n: string): void => {
    if (!out.includes(n)) out.push(n);
  };
  const names = [mediaName];
  const edited = /^(.*)-(edited|bearbeitet|modifié|editado|modificato)(\.[^.]+)$/i.exec(mediaName);
  if (edited) names.push(`${edited[1]}${edited[3]}`);
  for (const name of names) {
    const dup = /^(.*)\((\d+)\)(\.[^.]+)$/.exec(name);
    const base = dup ? `${dup[1]}${dup[3]}` : name;
    const counter = dup ? `(${dup[2]})` : '';
    const stemEnd = base.lastIndexOf('.') > 0 ? base.lastIndexOf('.') + 1 : base.length;
    const full = `${base}${SUFFIX}`;
    // Longest first: the full names, then every cut Takeout may have made.
    for (let len = full.length; len >= stemEnd; len--) {
      const stem = full.slice(0, len);
      if (counter) add(`${stem}${counter}.json`);
      else add(`${stem}.json`);
    }
    if (counter) add(`${name}.json`);
  }
  return out;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function timestamp(v: unknown): number | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const s = num((v as Record<string, unknown>).timestamp);
  return s !== undefined && s > 0 ? s * 1000 : undefined;
}

/** Parses sidecar JSON; returns null when it is not a Google Photos sidecar. */
export function parseSidecar(bytes: Buffer): Sidecar | null {
  if (bytes.length > MAX_SIDECAR_BYTES) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  if (!('photoTakenTime' in o) && !('geoData' in o) && !('creationTime' in o)) return null;
  const out: Sidecar = {};
  if (typeof o.title === 'string' && o.title) out.title = o.title;
  if (typeof o.description === 'string' && o.description) out.description = o.description;
  const taken = timestamp(o.photoTakenTime);
  if (taken !== undefined) out.takenAt = taken;
  const created = timestamp(o.creationTime);
  if (created !== undefined) out.createdAt = created;
  for (const key of ['geoData', 'geoDataExif']) {
    const g = o[key] as Record<string, unknown> | undefined;
    const lat = num(g?.latitude);
    const lon = num(g?.longitude);
    // Google writes 0.0/0.0 when it has no place.
    if (lat !== undefined && lon !== undefined && !(lat === 0 && lon === 0) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      out.lat = lat;
      out.lon = lon;
      break;
    }
  }
  if (Array.isArray(o.people)) {
    const people = o.people.map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>).name : undefined)).filter((n): n is string => typeof n === 'string');
    if (people.length) out.people = people.slice(0, 200);
  }
  if (typeof o.url === 'string') out.url = o.url;
  const origin = o.googlePhotosOrigin as Record<string, unknown> | undefined;
  const mobile = origin?.mobileUpload as Record<string, unknown> | undefined;
  if (typeof mobile?.deviceType === 'string') out.device = mobile.deviceType;
  return out;
}
