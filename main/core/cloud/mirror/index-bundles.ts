// The cloud copy of the index as page-sized segments packed into sealed bundles.
// [Note: Index bundles]
// Why: an incremental sync used to cut the image into 1 MiB segments, one object each.
// A 5 % change of a 1 GB vault rewrites ~2 000 of the index's ~9 600 pages, scattered over
// every table, so every 1 MiB segment changed and the whole 40 MB index went up again.
// Now the unit of change is one page (4 KiB): the segments that changed since the newest
// manifest are packed into a few new bundles (≤ 4 MiB each, sealed like everything else),
// and the manifest's table says, per segment, which bundle holds it and where. An
// incremental sync sends the changed pages only (8 MB instead of 40 MB in that case).
// - Each page's last `reserved` bytes (header byte 20) are SQLCipher's per-page IV and
//   MAC as they were on disk; they change whenever SQLite rewrites a page, even with the
//   same contents, and mean nothing in a plaintext image. They are zeroed first, otherwise
//   87 % of the pages look changed after that 5 % backup.
// - Table entry (24 bytes, base64 in the sealed manifest): the first 16 bytes of the
//   segment's keyed MAC ‖ u32 bundle number ‖ u32 offset in the bundle's plaintext.
// - A bundle is sealed with AAD `index-bundle/<mac of its plaintext>` and named by a keyed
//   MAC of that, like v1 segments; restore checks the bundle's SHA-256, its AEAD, its MAC,
//   and each segment's MAC against the table.
// - Dead space: a carried bundle whose live segments are less than half of it is packed
//   again (its live segments go into the new bundles), so the cloud holds at most about
//   twice the index. After an erasure nothing is carried: dead pages of an old bundle could
//   hold the erased items' rows, so the whole index goes up in new bundles and clean-up
//   removes every old one (the caller decides, see `fresh`).
import { KeepsakeError } from '../../../../common/errors';
import { digestsOf, type Digests } from '../hashing';
import { contentMac, objectName, open, seal, type CloudKeys } from './cloud-crypto';
import type { Manifest, ObjectRef } from './manifest';

export const PAGE_SEGMENT_BYTES = 4096;
export const BUNDLE_BYTES = 4 * 1024 * 1024;
const MAC_BYTES = 16;
const ENTRY = MAC_BYTES + 8;
/** version + nonce + tag added by seal(). */
const SEAL_OVERHEAD = 1 + 12 + 16;

type IndexRef = Manifest['index']['segments'][number];

export interface NewBundle {
  ref: IndexRef;
  sealed: Buffer;
  digests: Digests;
}

export interface IndexPlan {
  index: Manifest['index'];
  uploads: NewBundle[];
  segmentsTotal: number;
  segmentsNew: number;
}

/** Zeroes each page's reserved bytes (SQLCipher's IV and MAC) in place; other images are left alone. */
export function clearReservedBytes(image: Buffer): void {
  if (image.length < 100 || image.toString('latin1', 0, 16) !== 'SQLite format 3\0') return;
  const raw = image.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const reserved = image[20] ?? 0;
  if (reserved === 0 || pageSize < 512 || image.length % pageSize !== 0) return;
  for (let end = pageSize; end <= image.length; end += pageSize) image.fill(0, end - reserved, end);
}

/** The keyed MAC of each segment (first 16 bytes): what identifies a segment across copies. */
export function segmentMacs(keys: CloudKeys, image: Buffer, segSize = PAGE_SEGMENT_BYTES): Buffer[] {
  const count = Math.ceil(image.length / segSize);
  const macs: Buffer[] = [];
  for (let i = 0; i < count; i++) macs.push(Buffer.from(contentMac(keys, image.subarray(i * segSize, (i + 1) * segSize)), 'hex').subarray(0, MAC_BYTES));
  return macs;
}

export interface PlanOptions {
  segmentBytes?: number;
  bundleBytes?: number;
  /** segmentMacs(image), when the caller computed them already. */
  macs?: Buffer[];
  /** The index of the newest manifest on the target, or null. */
  previous: Manifest['index'] | null;
  /** Whether an object the previous manifest names is known to be on the target, whole. */
  usable: (ref: IndexRef) => boolean;
  /** Carry nothing over (after an erasure). */
  fresh: boolean;
}

export function planIndex(keys: CloudKeys, image: Buffer, opts: PlanOptions): IndexPlan {
  const segSize = opts.segmentBytes ?? PAGE_SEGMENT_BYTES;
  const bundleBytes = opts.bundleBytes ?? BUNDLE_BYTES;
  const count = Math.ceil(image.length / segSize);
  const macs = opts.macs ?? segmentMacs(keys, image, segSize);
  if (macs.length !== count) throw new KeepsakeError('INTERNAL', 'The index segments and their checksums do not match.');

  // Where each segment of the previous copy lives, by MAC.
  const old = new Map<string, { bundle: number; offset: number; length: number }>();
  const prev = opts.previous;
  if (!opts.fresh && prev?.table !== undefined && prev.segmentSize === segSize) {
    // A table that does not decode (it opened, so it is ours: a bug) carries nothing over.
    let table: Entry[] = [];
    try {
      table = decodeTable(prev, segSize);
    } catch {
      table = [];
    }
    table.forEach((e, i) => {
      const key = e.mac.toString('hex');
      const ref = prev.segments[e.bundle];
      if (!old.has(key) && ref && opts.usable(ref)) old.set(key, { bundle: e.bundle, offset: e.offset, length: Math.min(segSize, prev.size - i * segSize) });
    });
  }

  // First pass: what could be carried, and how much of each old bundle stays alive.
  const liveBytes = new Map<number, number>();
  const liveSeen = new Set<string>();
  for (const m of macs) {
    const key = m.toString('hex');
    const at = old.get(key);
    if (!at || liveSeen.has(key)) continue;
    liveSeen.add(key);
    liveBytes.set(at.bundle, (liveBytes.get(at.bundle) ?? 0) + at.length);
  }
  const carried = new Set<number>();
  for (const [b, live] of liveBytes) {
    const ref = prev!.segments[b]!;
    if (live * 2 >= ref.size - SEAL_OVERHEAD) carried.add(b);
  }

  // Second pass: the table, carried bundles renumbered first, then new bundles.
  const refs: IndexRef[] = [];
  const renumber = new Map<number, number>();
  for (const b of [...carried].sort((x, y) => x - y)) {
    renumber.set(b, refs.length);
    refs.push(prev!.segments[b]!);
  }
  const sameBundle = new Map<string, IndexRef>();
  for (const ref of prev?.table !== undefined ? prev.segments : []) if (opts.usable(ref)) sameBundle.set(ref.name, ref);
  const table = Buffer.alloc(count * ENTRY);
  const placed = new Map<string, { bundle: number; offset: number }>();
  const uploads: NewBundle[] = [];
  let parts: Buffer[] = [];
  let partBytes = 0;
  let segmentsNew = 0;
  const closeBundle = (): void => {
    if (partBytes === 0) return;
    const plain = Buffer.concat(parts, partBytes);
    const mac = contentMac(keys, plain);
    const logical = `index-bundle/${mac}`;
    parts = [];
    partBytes = 0;
    // The same pages as a bundle already there (same MAC, so same name): name that one.
    // Sealing again would overwrite it with other bytes (a new nonce), and the previous
    // manifest, which names its SHA-256, could no longer be restored.
    const existing = sameBundle.get(objectName(keys, logical));
    if (existing) {
      refs.push(existing);
      return;
    }
    const sealed = seal(keys, 'index-bundle', logical, plain);
    const digests = digestsOf(sealed);
    const ref = { name: objectName(keys, logical), size: sealed.length, sha256: digests.sha256, mac };
    refs.push(ref);
    uploads.push({ ref, sealed, digests });
  };
  for (let i = 0; i < count; i++) {
    const m = macs[i]!;
    const key = m.toString('hex');
    let where = placed.get(key);
    const at = old.get(key);
    if (!where && at && carried.has(at.bundle)) where = { bundle: renumber.get(at.bundle)!, offset: at.offset };
    if (!where) {
      if (partBytes + segSize > bundleBytes) closeBundle();
      where = { bundle: refs.length, offset: partBytes };
      const seg = image.subarray(i * segSize, (i + 1) * segSize);
      parts.push(seg);
      partBytes += seg.length;
      segmentsNew++;
    }
    placed.set(key, where);
    m.copy(table, i * ENTRY);
    table.writeUInt32BE(where.bundle, i * ENTRY + MAC_BYTES);
    table.writeUInt32BE(where.offset, i * ENTRY + MAC_BYTES + 4);
  }
  closeBundle();
  return { index: { size: image.length, segmentSize: segSize, segments: refs, table: table.toString('base64') }, uploads, segmentsTotal: count, segmentsNew };
}

interface Entry {
  mac: Buffer;
  bundle: number;
  offset: number;
}

function decodeTable(index: Manifest['index'], segSize: number): Entry[] {
  const raw = Buffer.from(index.table ?? '', 'base64');
  const count = Math.ceil(index.size / segSize);
  if (raw.length !== count * ENTRY) throw new KeepsakeError('CORRUPT', 'The cloud copy of the index has a damaged table of contents.');
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * ENTRY;
    const bundle = raw.readUInt32BE(at + MAC_BYTES);
    if (bundle >= index.segments.length) throw new KeepsakeError('CORRUPT', 'The cloud copy of the index has a damaged table of contents.');
    out.push({ mac: raw.subarray(at, at + MAC_BYTES), bundle, offset: raw.readUInt32BE(at + MAC_BYTES + 4) });
  }
  return out;
}

/**
 * Rebuilds the image from a manifest's index: bundles (with a table) or, for copies made
 * before bundles, one sealed object per segment. `fetch` returns an object already checked
 * against its size and SHA-256.
 */
export async function assembleIndex(keys: CloudKeys, index: Manifest['index'], fetch: (ref: ObjectRef) => Promise<Buffer>, onBytes: (n: number) => void): Promise<Buffer> {
  const damaged = (): KeepsakeError => new KeepsakeError('CORRUPT', 'An index segment in the cloud does not match its manifest.');
  const parts: Buffer[] = [];
  if (index.table === undefined) {
    for (const s of index.segments) {
      const sealed = await fetch(s);
      onBytes(sealed.length);
      const plain = open(keys, 'index-segment', `index-segment/${s.mac}`, sealed);
      if (contentMac(keys, plain) !== s.mac) throw damaged();
      parts.push(plain);
    }
  } else {
    const segSize = index.segmentSize;
    const table = decodeTable(index, segSize);
    const bundles: Buffer[] = [];
    for (const s of index.segments) {
      const sealed = await fetch(s);
      onBytes(sealed.length);
      const plain = open(keys, 'index-bundle', `index-bundle/${s.mac}`, sealed);
      if (contentMac(keys, plain) !== s.mac) throw damaged();
      bundles.push(plain);
    }
    table.forEach((e, i) => {
      const length = Math.min(segSize, index.size - i * segSize);
      const bundle = bundles[e.bundle]!;
      if (e.offset + length > bundle.length) throw damaged();
      const seg = bundle.subarray(e.offset, e.offset + length);
      if (!Buffer.from(contentMac(keys, seg), 'hex').subarray(0, MAC_BYTES).equals(e.mac)) throw damaged();
      parts.push(seg);
    });
  }
  const image = Buffer.concat(parts);
  if (image.length !== index.size) throw new KeepsakeError('CORRUPT', 'The cloud copy of the index has the wrong size.');
  return image;
}

