// The photo/video/screenshot importer: one media file in, one item out, with the original
// bytes always kept (role 'original'), a JPEG thumbnail where we can decode the image, and
// time/camera/orientation/GPS from EXIF (photos) or moov boxes (videos). Google Photos
// sidecars fill in a time or place the file itself lacks. Anything we cannot read about a
// file is written into its fields ("metadata unreadable: …", "thumbnail: none — …"),
// never a reason to drop it. [Note: Metadata never refuses a photo]
import { createHash } from 'node:crypto';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import type { Category } from '../../../../common/domain';
import type { ImportContext, ImportInput, ParsedFile, ParsedItem } from '../types';
import { readPhotoMetadata, type PhotoMetadata } from './exif';
import { readMoov, parseMoov, type VideoMetadata } from './mp4-meta';
import { readAllCapped, readHead, sha256Of } from './read-input';
import { screenshotReason } from './screenshot';
import { parseSidecar, sidecarCandidates, MAX_SIDECAR_BYTES, type Sidecar } from './sidecar';
import { sniffMedia, type MediaType } from './sniff';
import { heicThumbnailOf, thumbnailOf } from './thumbnail';

/** Photos are read into memory for EXIF and thumbnailing; larger ones keep only the original. */
export const MAX_PHOTO_BYTES = 128 * 1024 * 1024;
/** Videos up to this size are kept in memory with the item; larger ones are opened lazily. */
export const INLINE_VIDEO_BYTES = 16 * 1024 * 1024;
/** For a photo above the cap, EXIF is read from this much of its start. */
const LARGE_PHOTO_HEAD = 4 * 1024 * 1024;

export function baseName(path: string): string {
  const parts = path.split(/[\\/]|!\//);
  return parts[parts.length - 1] ?? path;
}

/** A time written in the file name by Android cameras: IMG_20180725_163423, PXL_20231231_235959123. */
export function timeFromName(name: string): number | undefined {
  const m = /(?:^|[^0-9])(20\d{2}|19\d{2})(\d{2})(\d{2})[_-](\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const valid = Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31 && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 61;
  return valid ? t : undefined;
}

async function findSidecar(input: ImportInput, ctx: ImportContext): Promise<{ name: string; data: Sidecar } | null> {
  if (!input.sibling) return null;
  for (const name of sidecarCandidates(baseName(input.path))) {
    const sib = input.sibling(name);
    if (!sib) continue;
    if (sib.size > MAX_SIDECAR_BYTES) {
      ctx.refuse(name, 'The photo sidecar is too large to be a Google Photos sidecar; it was ignored.');
      continue;
    }
    const data = parseSidecar(await readAllCapped(sib, MAX_SIDECAR_BYTES));
    if (data) return { name, data };
  }
  return null;
}

export async function* importMedia(input: ImportInput, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  const head = await readHead(input, 64);
  const type = sniffMedia(head);
  if (!type) throw new KeepsakeError('UNSUPPORTED', 'This is not a photo or video Keepsake can read (JPEG, HEIC, PNG, WebP, GIF, MP4, MOV).');
  ctx.report({ phase: type.video ? 'reading video' : 'reading photo', bytes: 0 });
  const sidecar = await findSidecar(input, ctx);
  const item = type.video ? await videoItem(input, type, sidecar) : await photoItem(input, type, sidecar);
  ctx.report({ items: 1, bytes: input.size });
  yield item;
}

function applySidecar(fields: Record<string, unknown>, sidecar: { name: string; data: Sidecar } | null): void {
  if (!sidecar) return;
  const s = sidecar.data;
  fields.sidecar = {
    file: sidecar.name,
    ...(s.title ? { title: s.title } : {}),
    ...(s.description ? { description: s.description } : {}),
    ...(s.people ? { people: s.people } : {}),
    ...(s.url ? { url: s.url } : {}),
    ...(s.device ? { device: s.device } : {}),
  };
}

async function photoItem(input: ImportInput, type: MediaType, sidecar: { name: string; data: Sidecar } | null): Promise<ParsedItem> {
  const name = baseName(input.path);
  const fields: Record<string, unknown> = { fileName: name, mime: type.mime, format: type.kind, byteSize: input.size };
  let bytes: Buffer | null = null;
  let meta: PhotoMetadata;
  let key: string;
  const files: ParsedFile[] = [];
  if (input.size <= MAX_PHOTO_BYTES) {
    bytes = await readAllCapped(input, MAX_PHOTO_BYTES);
    key = createHash('sha256').update(bytes).digest('hex');
    meta = await readPhotoMetadata(bytes);
    files.push({ role: 'original', name, mime: type.mime, data: bytes });
  } else {
    key = (await sha256Of(input)).hex;
    meta = await readPhotoMetadata(await readHead(input, LARGE_PHOTO_HEAD));
    files.push({ role: 'original', name, mime: type.mime, data: () => input.open() });
    fields.thumbnail = `none — the file is larger than ${MAX_PHOTO_BYTES / 1048576} MB`;
  }
  if (meta.unreadable) fields.metadata = meta.unreadable;
  if (meta.make || meta.model) fields.camera = { ...(meta.make ? { make: meta.make } : {}), ...(meta.model ? { model: meta.model } : {}) };
  if (meta.software) fields.software = meta.software;
  if (meta.orientation) fields.orientation = meta.orientation;
  let width = meta.width;
  let height = meta.height;
  if (bytes) {
    try {
      const thumb = type.kind === 'heic' ? await heicThumbnailOf(bytes) : await thumbnailOf(bytes);
      files.push({ role: 'thumbnail', name: `${name}.thumb.jpg`, mime: thumb.mime, data: thumb.data });
      width = thumb.sourceWidth;
      height = thumb.sourceHeight;
      if (thumb.imageCount && thumb.imageCount > 1) fields.heifImages = thumb.imageCount;
    } catch (e) {
      if (!isKeepsakeError(e)) throw e;
      fields.thumbnail = `none — ${e.message}`;
    }
  }
  if (width && height) Object.assign(fields, { width, height });

  let occurredAt: number | undefined;
  let location: { lat: number; lon: number } | undefined;
  if (meta.takenAt !== undefined) {
    occurredAt = meta.takenAt;
    fields.timeSource = meta.timeBasis === 'exif-offset' ? 'exif' : 'exif (no time zone: read as UTC)';
  } else if (sidecar?.data.takenAt !== undefined) {
    occurredAt = sidecar.data.takenAt;
    fields.timeSource = 'google photos sidecar';
  } else {
    const fromName = timeFromName(name);
    if (fromName !== undefined) {
      occurredAt = fromName;
      fields.timeSource = 'file name (no time zone: read as UTC)';
    }
  }
  if (meta.lat !== undefined && meta.lon !== undefined) {
    location = { lat: meta.lat, lon: meta.lon };
    fields.placeSource = 'exif';
  } else if (sidecar?.data.lat !== undefined && sidecar.data.lon !== undefined) {
    location = { lat: sidecar.data.lat, lon: sidecar.data.lon };
    fields.placeSource = 'google photos sidecar';
  }
  applySidecar(fields, sidecar);
  const shot = screenshotReason(input.path, type.kind, meta.hasCameraExif, width, height);
  if (shot) fields.screenshotRule = shot;
  const category: Category = shot ? 'screenshot' : 'photo';
  return finish({ category, key, name, fields, files, occurredAt, location, sidecar });
}

async function videoItem(input: ImportInput, type: MediaType, sidecar: { name: string; data: Sidecar } | null): Promise<ParsedItem> {
  const name = baseName(input.path);
  const fields: Record<string, unknown> = { fileName: name, mime: type.mime, format: type.kind, byteSize: input.size };
  fields.thumbnail = 'none — no video decoder is available to Keepsake';
  const { hex } = await sha256Of(input);
  let meta: VideoMetadata = {};
  try {
    const moov = await readMoov(input.open());
    if (moov) meta = await parseMoov(moov);
    else fields.metadata = 'metadata unreadable (the video has no moov box)';
  } catch (e) {
    if (!isKeepsakeError(e)) throw e;
    fields.metadata = `metadata unreadable (${e.message})`;
  }
  if (meta.durationMs !== undefined) fields.durationMs = meta.durationMs;
  if (meta.make || meta.model) fields.camera = { ...(meta.make ? { make: meta.make } : {}), ...(meta.model ? { model: meta.model } : {}) };
  let occurredAt: number | undefined;
  let location: { lat: number; lon: number } | undefined;
  if (meta.createdAt !== undefined) {
    occurredAt = meta.createdAt;
    fields.timeSource = 'video header';
  } else if (sidecar?.data.takenAt !== undefined) {
    occurredAt = sidecar.data.takenAt;
    fields.timeSource = 'google photos sidecar';
  }
  if (meta.lat !== undefined && meta.lon !== undefined) {
    location = { lat: meta.lat, lon: meta.lon };
    fields.placeSource = 'video header';
  } else if (sidecar?.data.lat !== undefined && sidecar.data.lon !== undefined) {
    location = { lat: sidecar.data.lat, lon: sidecar.data.lon };
    fields.placeSource = 'google photos sidecar';
  }
  applySidecar(fields, sidecar);
  // Small videos travel as bytes (valid after a container closes); large ones stream.
  const data = input.size <= INLINE_VIDEO_BYTES ? await readAllCapped(input, INLINE_VIDEO_BYTES) : () => input.open();
  const files: ParsedFile[] = [{ role: 'original', name, mime: type.mime, data }];
  const shot = screenshotReason(input.path, type.kind, false);
  if (shot) fields.screenshotRule = shot;
  return finish({ category: shot ? 'screenshot' : 'video', key: hex, name, fields, files, occurredAt, location, sidecar });
}

function finish(p: {
  category: Category;
  key: string;
  name: string;
  fields: Record<string, unknown>;
  files: ParsedFile[];
  occurredAt: number | undefined;
  location: { lat: number; lon: number } | undefined;
  sidecar: { name: string; data: Sidecar } | null;
}): ParsedItem {
  const title = p.sidecar?.data.title ?? p.name;
  const text = [title, p.sidecar?.data.description, ...(p.sidecar?.data.people ?? [])].filter(Boolean).join('\n');
  return {
    category: p.category,
    // [Note: Media source keys] A hash of the original bytes: the same photo from a phone
    // folder and from a Takeout archive is one item with two sources.
    sourceKey: `media:sha256:${p.key}`,
    ...(p.occurredAt !== undefined ? { occurredAt: p.occurredAt } : {}),
    title,
    text,
    fields: p.fields,
    personal: true,
    files: p.files,
    ...(p.location ? { location: p.location } : {}),
  };
}
