// Which image in a HEIF/HEIC file is the primary one. A HEIC "collection" holds several
// top-level images; heic-decode hands them back in libheif's top-level order (item order,
// minus hidden, thumbnail, auxiliary and grid-tile items) without saying which is primary,
// so we read meta/pitm and meta/iinf/iref ourselves (with the bounded box walker) and
// return the primary's index in that same order.
import { childrenOfMeta, findPath, listBoxes, readPayload, WalkBudget, type Box } from './box-walker';
import type { RandomAccess } from './random-access';

const IMAGE_TYPES = new Set(['hvc1', 'grid', 'iden', 'iovl', 'av01', 'jpeg', 'unci', 'j2k1', 'vvc1', 'avc1', 'mski']);

export interface HeifLayout {
  primaryId: number | null;
  /** Top-level image item ids in libheif's order. */
  topLevel: number[];
  /** Index of the primary in topLevel (0 when unknown). */
  primaryIndex: number;
}

interface Infe {
  id: number;
  type: string;
  hidden: boolean;
}

export async function readHeifLayout(src: RandomAccess): Promise<HeifLayout> {
  const budget = new WalkBudget();
  const meta = await findPath(src, ['meta'], budget);
  if (!meta) return { primaryId: null, topLevel: [], primaryIndex: 0 };
  const kids = await childrenOfMeta(src, meta, budget);
  const box = (t: string): Box | undefined => kids.find((k) => k.type === t);
  let primaryId: number | null = null;
  const pitm = box('pitm');
  if (pitm) {
    const p = await readPayload(src, pitm, budget);
    if (p.length >= 6) primaryId = p[0] === 0 ? p.readUInt16BE(4) : p.length >= 8 ? p.readUInt32BE(4) : null;
  }
  const items = await readInfe(src, box('iinf'), budget);
  const excluded = await readRefTargets(src, box('iref'), budget);
  const topLevel = items.filter((i) => IMAGE_TYPES.has(i.type) && !i.hidden && !excluded.has(i.id)).map((i) => i.id);
  const idx = primaryId === null ? -1 : topLevel.indexOf(primaryId);
  return { primaryId, topLevel, primaryIndex: idx < 0 ? 0 : idx };
}

async function readInfe(src: RandomAccess, iinf: Box | undefined, budget: WalkBudget): Promise<Infe[]> {
  if (!iinf) return [];
  const head = await src.read(iinf.payload, 8);
  if (head.length < 6) return [];
  const countSize = head[0] === 0 ? 2 : 4;
  const entries = await listBoxes(src, iinf.payload + 4 + countSize, iinf.end, budget);
  const out: Infe[] = [];
  for (const e of entries) {
    if (e.type !== 'infe') continue;
    const p = await readPayload(src, e, budget);
    if (p.length < 4) continue;
    const version = p[0] ?? 0;
    const flags = p.readUIntBE(1, 3);
    if (version < 2) continue; // v0/v1 infe carry no item type: not an image item
    const idSize = version === 2 ? 2 : 4;
    if (p.length < 4 + idSize + 2 + 4) continue;
    const id = idSize === 2 ? p.readUInt16BE(4) : p.readUInt32BE(4);
    const type = p.toString('latin1', 4 + idSize + 2, 4 + idSize + 6);
    out.push({ id, type, hidden: (flags & 1) === 1 });
  }
  return out;
}

/** Items that are thumbnails/aux images of another item, or tiles/inputs of a derived image. */
async function readRefTargets(src: RandomAccess, iref: Box | undefined, budget: WalkBudget): Promise<Set<number>> {
  const out = new Set<number>();
  if (!iref) return out;
  const head = await src.read(iref.payload, 4);
  if (head.length < 4) return out;
  const wide = head[0] !== 0;
  const refs = await listBoxes(src, iref.payload + 4, iref.end, budget);
  for (const r of refs) {
    const p = await readPayload(src, r, budget);
    const w = wide ? 4 : 2;
    if (p.length < w + 2) continue;
    const from = wide ? p.readUInt32BE(0) : p.readUInt16BE(0);
    const count = p.readUInt16BE(w);
    if (r.type === 'thmb' || r.type === 'auxl') out.add(from);
    if (r.type === 'dimg') {
      for (let i = 0; i < count && w + 2 + (i + 1) * w <= p.length; i++) {
        out.add(wide ? p.readUInt32BE(w + 2 + i * w) : p.readUInt16BE(w + 2 + i * w));
      }
    }
  }
  return out;
}
