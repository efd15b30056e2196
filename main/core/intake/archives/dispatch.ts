// Sends each entry of a container to the importer that reads it: photos and videos to the
// media importer, records (vCard, iCalendar, SMS XML, mbox/eml, Keep notes…) to the record
// parsers through the format registry, archives inside archives to the container readers
// (up to maxNesting deep), and anything else to an opaque 'file' item so nothing is lost.
// A file a parser refuses is reported by name and kept as an opaque item.
import { isKeepsakeError } from '../../../../common/errors';
import { importMedia } from '../media/media-importer';
import { sidecarCandidates } from '../media/sidecar';
import { sniffMedia } from '../media/sniff';
import type { FormatSpec, ImportContext, ParsedItem } from '../types';
import type { ArchiveLimits, ByteBudget } from './limits';
import { opaqueItem } from './opaque';
import type { StagingArea } from './staging';
import type { EntryTree, TreeEntry } from './tree';

export type FormatLookup = (head: Buffer, name: string) => FormatSpec | null;

export interface ContainerEnv {
  depth: number;
  limits: ArchiveLimits;
  budget: ByteBudget;
  staging: StagingArea;
  lookup: FormatLookup;
  /** For encrypted Android backups found inside a container. */
  password?: string;
}

const MEDIA_EXT = /\.(jpe?g|png|heic|heif|webp|gif|mp4|mov|m4v|3gp|avif|tiff?|dng)$/i;

export type NestedKind = 'zip' | 'tgz' | 'ab' | null;

export function nestedKind(head: Buffer, name: string): NestedKind {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b && /\.(tgz|tar\.gz)$/i.test(name)) return 'tgz';
  if (head.toString('latin1', 0, 15) === 'ANDROID BACKUP\n') return 'ab';
  return null;
}

async function headOf(entry: TreeEntry, n = 65536): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  const s = entry.open();
  try {
    for await (const c of s) {
      parts.push(c as Buffer);
      total += (c as Buffer).length;
      if (total >= n) break;
    }
  } finally {
    s.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}

async function readSmall(entry: TreeEntry, max: number): Promise<Buffer | null> {
  if (entry.size > max) return null;
  const parts: Buffer[] = [];
  try {
    for await (const c of entry.open()) parts.push(c as Buffer);
  } catch (e) {
    if (isKeepsakeError(e) && /exceeds limits/.test(e.message)) throw e;
    return null; // unreadable: the entry is refused when its own turn comes
  }
  return Buffer.concat(parts);
}

/**
 * Names of entries that are metadata of another entry and must not become items of their
 * own: Google Photos sidecars beside their media, and Google Keep attachments named by a
 * note's JSON (attachments[].filePath) plus the .html twin of each Keep note JSON. Only
 * JSON in a folder named "Keep" is read for this, as Takeout lays Keep out.
 */
export async function consumedEntries(tree: EntryTree): Promise<Set<string>> {
  const consumed = new Set<string>();
  for (const e of tree.entries) {
    if (!MEDIA_EXT.test(e.name)) continue;
    const slash = e.name.lastIndexOf('/');
    const dir = e.name.slice(0, slash + 1);
    for (const c of sidecarCandidates(e.name.slice(slash + 1))) {
      if (tree.get(dir + c)) {
        consumed.add(dir + c);
        break;
      }
    }
  }
  for (const e of tree.entries) {
    const segs = e.name.split('/');
    if (segs.length < 2 || segs[segs.length - 2] !== 'Keep' || !/\.json$/i.test(e.name)) continue;
    const dir = e.name.slice(0, e.name.lastIndexOf('/') + 1);
    const bytes = await readSmall(e, 4 * 1024 * 1024);
    if (!bytes) continue;
    type KeepJson = { attachments?: Array<{ filePath?: unknown }>; textContent?: unknown; listContent?: unknown } | null;
    let note: KeepJson;
    try {
      note = JSON.parse(bytes.toString('utf8')) as KeepJson;
    } catch {
      continue;
    }
    if (!note || (note.textContent === undefined && note.listContent === undefined)) continue;
    for (const a of Array.isArray(note.attachments) ? note.attachments : []) {
      if (typeof a?.filePath === 'string' && !a.filePath.includes('/')) consumed.add(dir + a.filePath);
    }
    const html = `${e.name.slice(0, -'.json'.length)}.html`;
    if (tree.get(html)) consumed.add(html);
  }
  return consumed;
}

function isLimit(e: unknown): boolean {
  return isKeepsakeError(e) && (e.code === 'CANCELLED' || e.code === 'WRONG_PASSPHRASE' || (e.code === 'UNSUPPORTED' && /exceeds limits/.test(e.message)));
}

/**
 * The context an entry's importer gets: the same refusals, notes, checkpoints and options,
 * but its byte/item progress (which counts within the entry) is not passed up — the
 * container reports progress over the whole archive (walk.ts).
 */
function entryContext(ctx: ImportContext): ImportContext {
  const child = Object.create(ctx) as ImportContext;
  child.report = (p) => {
    if (p.phase) ctx.report({ phase: p.phase });
  };
  return child;
}

export async function* dispatchEntry(tree: EntryTree, entry: TreeEntry, outer: ImportContext, env: ContainerEnv): AsyncGenerator<ParsedItem> {
  const ctx = entryContext(outer);
  let head: Buffer;
  try {
    head = await headOf(entry);
  } catch (e) {
    if (!isKeepsakeError(e) || isLimit(e)) throw e;
    ctx.refuse(entry.name, e.message);
    return;
  }
  const name = entry.name.slice(entry.name.lastIndexOf('/') + 1);
  const input = tree.input(entry);
  if (sniffMedia(head)) {
    yield* guarded(importMedia(input, ctx), entry, ctx);
    return;
  }
  const nested = nestedKind(head, name);
  if (nested) {
    if (env.depth >= env.limits.maxNesting) {
      ctx.refuse(entry.name, `An archive nested ${env.depth + 1} levels deep was kept as a file, not opened (the limit is ${env.limits.maxNesting}).`);
      yield* keepOpaque(entry, ctx, { nestedArchive: nested });
      return;
    }
    const { openNested } = await import('./nested');
    yield* guarded(openNested(nested, tree, entry, ctx, env), entry, ctx);
    return;
  }
  const spec = env.lookup(head, name);
  if (spec) {
    yield* guarded(spec.importer(input, ctx), entry, ctx);
    return;
  }
  yield* keepOpaque(entry, ctx, {}, head);
}

/** An opaque item for the entry; an entry whose bytes cannot be read is refused instead. */
async function* keepOpaque(entry: TreeEntry, ctx: ImportContext, fields: Record<string, unknown>, head?: Buffer): AsyncGenerator<ParsedItem> {
  let item: ParsedItem;
  try {
    item = await opaqueItem(entry, fields, head);
  } catch (e) {
    if (!isKeepsakeError(e) || isLimit(e)) throw e;
    ctx.refuse(entry.name, e.message);
    return;
  }
  yield item;
}

/** Runs an importer; if it refuses the whole file, reports it and keeps the bytes. */
async function* guarded(items: AsyncIterable<ParsedItem>, entry: TreeEntry, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  try {
    yield* items;
  } catch (e) {
    if (!isKeepsakeError(e) || isLimit(e)) throw e;
    ctx.refuse(entry.name, e.message);
    if (e.code !== 'CORRUPT' || !/entry .* (is damaged|holds more|is shorter|cannot be read)/.test(e.message)) yield* keepOpaque(entry, ctx, { refused: e.message });
  }
}
