// A bounded walker over ISO base-media boxes (MP4, MOV, HEIF). [Note: Why our own box walker]
// No maintained npm reader of MP4/MOV metadata is installed, and what we need is tiny:
// moov/mvhd (creation time), moov/udta/©xyz (GPS) and, for HEIF, meta/pitm/iinf/iref
// (which item is the primary image). Box sizes come from the file and are hostile, so
// every walk is bounded: a box must lie inside its parent, a size of 0 means "to the end
// of the parent", sizes smaller than the header are refused, nesting depth and the number
// of boxes visited are capped, and payload reads are capped. Nothing here can loop: each
// step advances the cursor by at least the header size.
import { KeepsakeError } from '../../../../common/errors';
import type { RandomAccess } from './random-access';

export interface Box {
  type: string;
  /** Offset of the box header in the source. */
  start: number;
  /** Offset of the payload (after size/type/largesize/uuid). */
  payload: number;
  /** Offset one past the box's last byte. */
  end: number;
}

export interface WalkLimits {
  maxBoxes: number;
  maxDepth: number;
  /** Largest payload readBox() will load into memory. */
  maxPayload: number;
}

export const defaultWalkLimits: WalkLimits = { maxBoxes: 10_000, maxDepth: 12, maxPayload: 16 * 1024 * 1024 };

/** Counts boxes across one whole walk so a file with a million tiny boxes stops early. */
export class WalkBudget {
  private seen = 0;
  constructor(readonly limits: WalkLimits = defaultWalkLimits) {}
  spend(): void {
    this.seen += 1;
    if (this.seen > this.limits.maxBoxes) throw new KeepsakeError('CORRUPT', 'The file has far more structure boxes than a real photo or video; it was not read further.');
  }
}

function corrupt(what: string): KeepsakeError {
  return new KeepsakeError('CORRUPT', `The file's structure is damaged (${what}).`);
}

/** Lists the direct child boxes between start and end. */
export async function listBoxes(src: RandomAccess, start: number, end: number, budget: WalkBudget = new WalkBudget()): Promise<Box[]> {
  const out: Box[] = [];
  const limit = Math.min(end, src.size);
  let pos = start;
  while (pos + 8 <= limit) {
    budget.spend();
    const head = await src.read(pos, 16);
    if (head.length < 8) break;
    let size = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    let header = 8;
    if (size === 1) {
      if (head.length < 16) throw corrupt('a large box header is cut off');
      const big = head.readBigUInt64BE(8);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt('a box claims an impossible size');
      size = Number(big);
      header = 16;
    } else if (size === 0) {
      size = limit - pos;
    }
    if (type === 'uuid') header += 16;
    if (size < header) throw corrupt(`box "${printable(type)}" is smaller than its own header`);
    const boxEnd = pos + size;
    if (boxEnd > limit) throw corrupt(`box "${printable(type)}" runs past the end of its container`);
    out.push({ type, start: pos, payload: pos + header, end: boxEnd });
    pos = boxEnd;
  }
  return out;
}

/** Loads a box's payload, refusing payloads above the limit. */
export async function readPayload(src: RandomAccess, box: Box, budget: WalkBudget = new WalkBudget()): Promise<Buffer> {
  const len = box.end - box.payload;
  if (len > budget.limits.maxPayload) throw new KeepsakeError('UNSUPPORTED', `A "${printable(box.type)}" metadata box is too large to read (${len} bytes).`);
  const buf = await src.read(box.payload, len);
  if (buf.length < len) throw corrupt(`box "${printable(box.type)}" is cut off`);
  return buf;
}

/** Follows a path of box types (e.g. ['moov','udta']) from the top level; null when absent. */
export async function findPath(src: RandomAccess, path: string[], budget: WalkBudget = new WalkBudget(), from?: Box): Promise<Box | null> {
  if (path.length > budget.limits.maxDepth) throw corrupt('boxes nest too deeply');
  let parentStart = from ? from.payload : 0;
  let parentEnd = from ? from.end : src.size;
  let found: Box | null = null;
  for (const type of path) {
    const kids = await listBoxes(src, parentStart, parentEnd, budget);
    found = kids.find((b) => b.type === type) ?? null;
    if (!found) return null;
    // 'meta' is a FullBox (4 bytes version/flags) in ISO BMFF; QuickTime's 'meta' in udta
    // may be either, so callers that descend into meta use childrenOfMeta().
    parentStart = found.payload;
    parentEnd = found.end;
  }
  return found;
}

/** The children of a 'meta' box, which is a FullBox in ISO files and plain in some QuickTime files. */
export async function childrenOfMeta(src: RandomAccess, meta: Box, budget: WalkBudget = new WalkBudget()): Promise<Box[]> {
  const probe = await src.read(meta.payload, 8);
  // A plain box would start with a 32-bit size then a printable type; a FullBox starts with
  // version 0 and flags 0, then the first child's size.
  const looksFull = probe.length >= 4 && probe.readUInt32BE(0) === 0;
  return listBoxes(src, meta.payload + (looksFull ? 4 : 0), meta.end, budget);
}

export function printable(type: string): string {
  return type.replace(/[^\x20-\x7e]/g, '?');
}
