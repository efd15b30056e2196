// Creation time and place of an MP4/MOV video, from moov/mvhd (creation_time, seconds
// since 1904), moov/udta/©xyz (ISO 6709 "+50.2996+014.8203/", what Android and older
// iPhones write) and Apple's moov/meta keys+ilst (com.apple.quicktime.creationdate and
// .location.ISO6709). See [Note: Why our own box walker] in box-walker.ts.
// The file is read as a stream: top-level boxes are skipped without buffering, except
// moov, which is kept in memory up to a cap (moov of a phone video is a few hundred KB,
// and it often comes AFTER gigabytes of mdat).
import type { Readable } from 'node:stream';
import { KeepsakeError } from '../../../../common/errors';
import { childrenOfMeta, findPath, listBoxes, readPayload, WalkBudget, type Box } from './box-walker';
import { bufferSource, type RandomAccess } from './random-access';

export const MAX_MOOV_BYTES = 32 * 1024 * 1024;
const MAC_EPOCH_OFFSET_S = 2_082_844_800; // 1904-01-01 → 1970-01-01

export interface VideoMetadata {
  createdAt?: number;
  durationMs?: number;
  lat?: number;
  lon?: number;
  make?: string;
  model?: string;
}

/** Reads the stream once, returning the moov box (header included) or null. */
export async function readMoov(stream: Readable, maxMoov = MAX_MOOV_BYTES): Promise<Buffer | null> {
  let pending = Buffer.alloc(0);
  let skip = 0; // bytes of the current non-moov box still to skip
  let moov: Buffer[] | null = null;
  let moovLeft = 0;
  let moovToEnd = false; // size 0: the moov box runs to the end of the file
  let boxes = 0;
  try {
    for await (const chunk of stream) {
      let buf: Buffer = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      pending = Buffer.alloc(0);
      while (buf.length) {
        if (skip > 0) {
          const n = Math.min(skip, buf.length);
          skip -= n;
          buf = buf.subarray(n);
          continue;
        }
        if (moov) {
          const n = Math.min(moovLeft, buf.length);
          moov.push(buf.subarray(0, n));
          moovLeft -= n;
          buf = buf.subarray(n);
          if (moovLeft === 0) return Buffer.concat(moov);
          continue;
        }
        if (buf.length < 16) {
          pending = Buffer.from(buf);
          break;
        }
        if (++boxes > 10_000) throw new KeepsakeError('CORRUPT', 'The video has far more top-level boxes than a real video.');
        let size = buf.readUInt32BE(0);
        const type = buf.toString('latin1', 4, 8);
        if (size === 1) {
          const big = buf.readBigUInt64BE(8);
          if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new KeepsakeError('CORRUPT', 'A box in the video claims an impossible size.');
          size = Number(big);
        } else if (size === 0) {
          if (type === 'moov') size = Number.MAX_SAFE_INTEGER;
          else return null; // "to the end of file" box that is not moov: nothing after it
        }
        if (size < 8) throw new KeepsakeError('CORRUPT', 'The video is damaged (a box smaller than its header).');
        if (type === 'moov') {
          if (size > maxMoov && size !== Number.MAX_SAFE_INTEGER) throw new KeepsakeError('UNSUPPORTED', `The video's index (moov box) is ${size} bytes, more than we read.`);
          moov = [];
          moovToEnd = size === Number.MAX_SAFE_INTEGER;
          moovLeft = moovToEnd ? maxMoov : size;
          continue;
        }
        skip = size;
      }
    }
  } finally {
    stream.destroy();
  }
  if (moov && moovToEnd) return Buffer.concat(moov);
  if (moov) throw new KeepsakeError('CORRUPT', 'The video is cut off inside its index (moov box).');
  return null;
}

/** ISO 6709 "+DD.DDDD+DDD.DDDD[+AAA]/" → lat/lon, or undefined. */
export function parseIso6709(text: string): { lat: number; lon: number } | undefined {
  const m = /^\s*([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)/.exec(text);
  if (!m) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  return { lat, lon };
}

/** Parses metadata out of a moov box (as returned by readMoov). */
export async function parseMoov(moov: Buffer): Promise<VideoMetadata> {
  const src: RandomAccess = bufferSource(moov);
  const budget = new WalkBudget();
  const out: VideoMetadata = {};
  const [top] = await listBoxes(src, 0, moov.length, budget);
  if (!top || top.type !== 'moov') throw new KeepsakeError('CORRUPT', 'The video index is not a moov box.');
  const mvhd = await findPath(src, ['mvhd'], budget, top);
  if (mvhd) {
    const p = await readPayload(src, mvhd, budget);
    const v = p[0] ?? 0;
    if (v === 1 && p.length >= 32) {
      const created = Number(p.readBigUInt64BE(4));
      const timescale = p.readUInt32BE(20);
      const duration = Number(p.readBigUInt64BE(24));
      if (created > 0) out.createdAt = (created - MAC_EPOCH_OFFSET_S) * 1000;
      if (timescale > 0) out.durationMs = Math.round((duration / timescale) * 1000);
    } else if (p.length >= 20) {
      const created = p.readUInt32BE(4);
      const timescale = p.readUInt32BE(12);
      const duration = p.readUInt32BE(16);
      if (created > 0) out.createdAt = (created - MAC_EPOCH_OFFSET_S) * 1000;
      if (timescale > 0) out.durationMs = Math.round((duration / timescale) * 1000);
    }
    if (out.createdAt !== undefined && (out.createdAt < 0 || !Number.isFinite(out.createdAt))) delete out.createdAt;
  }
  const udta = await findPath(src, ['udta'], budget, top);
  if (udta) {
    for (const b of await listBoxes(src, udta.payload, udta.end, budget)) {
      if (b.type === '\xa9xyz') {
        const p = await readPayload(src, b, budget);
        // QuickTime text atom: u16 length, u16 language, then the text.
        const len = p.length >= 4 ? p.readUInt16BE(0) : 0;
        const place = parseIso6709(p.toString('utf8', 4, 4 + Math.min(len, p.length - 4)));
        if (place) Object.assign(out, place);
      } else if (b.type === '\xa9mak' || b.type === '\xa9mod') {
        const p = await readPayload(src, b, budget);
        const len = p.length >= 4 ? p.readUInt16BE(0) : 0;
        const text = p.toString('utf8', 4, 4 + Math.min(len, p.length - 4)).trim();
        if (text) out[b.type === '\xa9mak' ? 'make' : 'model'] = text;
      }
    }
  }
  const meta = await findPath(src, ['meta'], budget, top);
  if (meta) Object.assign(out, await readAppleKeys(src, meta, budget, out));
  return out;
}

async function readAppleKeys(src: RandomAccess, meta: Box, budget: WalkBudget, have: VideoMetadata): Promise<VideoMetadata> {
  const kids = await childrenOfMeta(src, meta, budget);
  const keysBox = kids.find((k) => k.type === 'keys');
  const ilst = kids.find((k) => k.type === 'ilst');
  if (!keysBox || !ilst) return {};
  const kp = await readPayload(src, keysBox, budget);
  const names: string[] = [];
  let o = 8; // version/flags + entry_count
  const count = kp.length >= 8 ? kp.readUInt32BE(4) : 0;
  for (let i = 0; i < count && o + 8 <= kp.length; i++) {
    const size = kp.readUInt32BE(o);
    if (size < 8 || o + size > kp.length) break;
    names.push(kp.toString('utf8', o + 8, o + size));
    o += size;
  }
  const out: VideoMetadata = {};
  for (const item of await listBoxes(src, ilst.payload, ilst.end, budget)) {
    const index = Buffer.from(item.type, 'latin1').readUInt32BE(0);
    const name = names[index - 1];
    if (!name) continue;
    const data = (await listBoxes(src, item.payload, item.end, budget)).find((b) => b.type === 'data');
    if (!data) continue;
    const p = await readPayload(src, data, budget);
    if (p.length < 8 || p.readUInt32BE(0) !== 1) continue; // 1 = UTF-8 text
    const text = p.toString('utf8', 8);
    if (name === 'com.apple.quicktime.location.ISO6709' && have.lat === undefined) {
      const place = parseIso6709(text);
      if (place) Object.assign(out, place);
    } else if (name === 'com.apple.quicktime.creationdate') {
      const t = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (Number.isFinite(t)) out.createdAt = t; // carries the local offset: better than mvhd
    } else if (name === 'com.apple.quicktime.make' && !have.make) out.make = text.trim();
    else if (name === 'com.apple.quicktime.model' && !have.model) out.model = text.trim();
  }
  return out;
}
