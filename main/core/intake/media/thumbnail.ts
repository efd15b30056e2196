// Thumbnails (~320 px on the long edge, JPEG) with sharp; HEIC goes through heic-decode
// first (in a worker thread: heic-worker.mjs) because sharp's prebuilt libvips carries
// libheif without an HEVC decoder.
// [Note: Decompression bombs] A tiny file can claim a huge canvas (a 17000×17000 PNG is
// under 1 MB). sharp refuses inputs above limitInputPixels before it allocates; for HEIC we
// check the image's declared width×height BEFORE heic-decode allocates its RGBA buffer and
// check the buffer's size after, so neither path can be made to allocate gigabytes.
import { Worker } from 'node:worker_threads';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { KeepsakeError } from '../../../../common/errors';
import { readHeifLayout } from './heif-meta';
import { bufferSource } from './random-access';

export const THUMB_EDGE = 320;
/** sharp's own default is ~268 M pixels; we stay lower so one thumbnail cannot eat the RAM of a 2-core box. */
export const MAX_INPUT_PIXELS = 100_000_000;
/** heic-decode returns RGBA (4 bytes/pixel): 50 M pixels = 200 MB, enough for 48 MP phone cameras. */
export const MAX_HEIC_PIXELS = 50_000_000;

export interface Thumbnail {
  data: Buffer;
  mime: 'image/jpeg';
  width: number;
  height: number;
  /** Size of the decoded source image. */
  sourceWidth: number;
  sourceHeight: number;
  /** For HEIC collections: how many top-level images the file holds. */
  imageCount?: number;
}

const SHARP_INPUT = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', sequentialRead: true } as const;

async function encode(pipeline: Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await pipeline
    .resize(THUMB_EDGE, THUMB_EDGE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 72, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function refuse(reason: string): KeepsakeError {
  return new KeepsakeError('UNSUPPORTED', reason);
}

/** A thumbnail for JPEG/PNG/WebP/GIF/TIFF bytes; refuses (UNSUPPORTED/CORRUPT) rather than allocating without bound. */
export async function thumbnailOf(bytes: Buffer): Promise<Thumbnail> {
  let meta: Metadata;
  try {
    // Header only (no pixels are decoded), so the limit can be applied with the real size in
    // the message; the decode below still runs under limitInputPixels.
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (e) {
    throw new KeepsakeError('CORRUPT', `The image could not be decoded for a thumbnail (${shortReason(e)}).`);
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > MAX_INPUT_PIXELS) throw refuse(`The image is ${w}×${h} pixels, above the ${MAX_INPUT_PIXELS / 1e6} M pixel limit for thumbnails; the original is kept.`);
  try {
    // rotate() with no angle applies the EXIF orientation so the thumbnail stands upright.
    const out = await encode(sharp(bytes, SHARP_INPUT).rotate());
    return { ...out, mime: 'image/jpeg', sourceWidth: w, sourceHeight: h };
  } catch (e) {
    if (/pixel limit/i.test(shortReason(e))) throw refuse('The image is above the pixel limit for thumbnails; the original is kept.');
    throw new KeepsakeError('CORRUPT', `The image could not be decoded for a thumbnail (${shortReason(e)}).`);
  }
}

/** Longest a HEIC decode may take before it is abandoned (a hostile file must not hang an import). */
export const HEIC_DECODE_TIMEOUT_MS = 60_000;

interface HeicDecoded {
  width: number;
  height: number;
  data: Uint8Array;
  count: number;
}

/** Runs heic-worker.mjs for one image; the worker's WebAssembly memory goes with it. */
function decodeInWorker(bytes: Buffer, index: number): Promise<HeicDecoded> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./heic-worker.mjs', import.meta.url), {
      workerData: { buffer: bytes, index, maxPixels: MAX_HEIC_PIXELS },
      resourceLimits: { maxOldGenerationSizeMb: 128 },
    });
    let settled = false;
    const done = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      f();
    };
    const timer = setTimeout(() => done(() => reject(new KeepsakeError('UNSUPPORTED', 'The HEIC image took too long to decode; the original is kept.'))), HEIC_DECODE_TIMEOUT_MS);
    worker.on('message', (m: Partial<HeicDecoded> & { error?: string; tooLarge?: boolean }) => {
      if (m.error) done(() => reject(new KeepsakeError(m.tooLarge ? 'UNSUPPORTED' : 'CORRUPT', m.error!)));
      else done(() => resolve(m as HeicDecoded));
    });
    worker.on('error', (e) => done(() => reject(new KeepsakeError('CORRUPT', `The HEIC decoder failed (${shortReason(e)}).`))));
    worker.on('exit', () => done(() => reject(new KeepsakeError('CORRUPT', 'The HEIC decoder stopped without a result.'))));
  });
}

/** A thumbnail of the PRIMARY image of a HEIC/HEIF file (collections hold several). */
export async function heicThumbnailOf(bytes: Buffer): Promise<Thumbnail> {
  const layout = await readHeifLayout(bufferSource(bytes));
  const decoded = await decodeInWorker(bytes, layout.primaryIndex);
  const { width, height } = decoded;
  if (decoded.data.length !== width * height * 4 || width * height > MAX_HEIC_PIXELS) throw new KeepsakeError('CORRUPT', 'The HEIC decoder returned an image of the wrong size.');
  const raw = Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
  const out = await encode(sharp(raw, { raw: { width, height, channels: 4 }, limitInputPixels: MAX_INPUT_PIXELS }));
  return { ...out, mime: 'image/jpeg', sourceWidth: width, sourceHeight: height, imageCount: decoded.count };
}

function shortReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 120);
}
