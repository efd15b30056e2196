// The per-item part of a privacy report: every item's original files (under
// Originals/<category>/<item id>/), every item's record in full (Records/<category>.json:
// title, text, fields, location, dates, device) and, for the index, which bundle files
// hold each item — its originals, its record, and the standard-format file the recovery
// writer put it in (contacts.vcf, calendar.ics, sms.xml, calls.xml, mail.mbox, a note's
// Markdown file, a photo in the dated tree). A photo whose dated-tree copy is byte for byte
// its original is not written twice. One item at a time: the records are streamed and the
// index entries spooled to disk, so a vault of any size fits (json-stream.ts).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CategoryReport, RecoveryReport } from '../../../common/contract/recovery';
import type { JobControl } from '../jobs/job-manager';
import { inside, streamAtomic } from '../recovery/atomic';
import { safeFileName } from '../intake/records/util';
import { all, run, sql, type Db } from '../vault/sql';
import type { Vault } from '../vault/vault';
import { EntrySpool } from './entry-spool';
import { JsonDocumentStream } from './json-stream';

export interface WrittenFile {
  /** Relative to the bundle root, with forward slashes. */
  path: string;
  /** The category whose items it holds; '*' for files naming items of every category. */
  category: string;
  sha256: string;
  size: number;
}

export interface StoredIn {
  location: string;
  kind: string;
  state: string;
  encryption: string;
}

export interface IndexEntry {
  id: string;
  category: string;
  title: string;
  occurredAt: number | null;
  createdAt: number;
  updatedAt: number;
  device: string | null;
  /** Every place Keepsake keeps a copy (the data map's copies). */
  storedIn: StoredIn[];
  /** The bundle files that hold this item. */
  files: string[];
}

/** The standard-format file each record category goes into (recovery/recovery-job.ts). */
const CATEGORY_FILE: Record<string, string> = {
  contact: 'Contacts/contacts.vcf',
  event: 'Calendar/calendar.ics',
  message: 'Messages/sms.xml',
  call: 'Messages/calls.xml',
  email: 'Email/mail.mbox',
};
const MEDIA = new Set(['photo', 'video', 'screenshot']);

async function hashStream(s: NodeJS.ReadableStream): Promise<string> {
  const h = createHash('sha256');
  for await (const c of s) h.update(c as Buffer);
  return h.digest('hex');
}

/** Standard-format files the recovery wrote, by category, with their hashes and (notes) first line. */
async function formatFiles(db: Db, root: string, report: RecoveryReport): Promise<Map<string, Array<{ path: string; sha256: string; heading: string }>>> {
  const out = new Map<string, Array<{ path: string; sha256: string; heading: string }>>();
  for (const f of all<{ path: string; category: string; sha256: string }>(db, sql`SELECT path, category, sha256 FROM recovery_files WHERE recovery_key = ${root}`)) {
    let heading = '';
    if (f.category === 'note') heading = (await readFile(inside(root, f.path), 'utf8')).split('\n', 1)[0] ?? '';
    out.set(f.category, [...(out.get(f.category) ?? []), { path: f.path, sha256: f.sha256, heading }]);
  }
  // Only files the report counts as written and verified.
  const written = new Set(report.categories.flatMap((c: CategoryReport) => c.files));
  for (const [k, v] of out) out.set(k, v.filter((f) => written.has(f.path)));
  return out;
}

export interface ItemPass {
  /** The index entries, on disk until index.json is written. */
  entries: EntrySpool<IndexEntry>;
  /** The ids of the items written, in order (the export location's copies). */
  itemIds: string[];
  files: WrittenFile[];
  counts: Record<string, number>;
  bytes: number;
}

/**
 * Records a bundle file under the temporary folder's key before it is written (in turn
 * with the vault's writes — Vault.afterWrites — so an import's storage-worker batch makes
 * it wait without freezing the event loop), so an erase
 * finds it even if the run is killed before the report is finished (erasure deletes the
 * files of the erased items' categories; register.ts re-keys them to the final folder).
 */
function track(db: Db, root: string, rel: string, category: string, done?: { sha256: string; size: number }): void {
  run(db, sql`INSERT OR REPLACE INTO recovery_files (recovery_key, path, category, sha256, size) VALUES (${root}, ${rel}, ${category}, ${done?.sha256 ?? ''}, ${done?.size ?? 0})`);
}

/** The full record of one item, as Records/<category>.json holds it. */
function recordOf(id: string, item: NonNullable<ReturnType<Vault['getItem']>>): unknown {
  return {
    id,
    title: item.title,
    text: item.text,
    occurredAt: item.occurredAt,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    device: item.deviceId,
    personal: item.personal,
    location: item.location,
    fields: item.fields,
    files: item.files.filter((f) => f.role !== 'thumbnail').map(({ role, name, mime, size }) => ({ role, name, mime, size })),
  };
}

/**
 * Writes every item's originals and its record, one item at a time: Records/<category>.json
 * is streamed (items come sorted by category, so one is open at a time) and the index
 * entries go to a spool on disk, so memory stays flat however large the vault is.
 */
export async function writeItemFiles(vault: Vault, root: string, report: RecoveryReport, control: Pick<JobControl, 'report' | 'checkpoint'>): Promise<ItemPass> {
  const db = vault.indexDb;
  const formats = await formatFiles(db, root, report);
  const skipped = new Set(report.categories.flatMap((c) => c.skipped.map((s) => s.itemId)));
  const usedFormat = new Set<string>();
  const ids = all<{ id: string }>(db, sql`SELECT id FROM items ORDER BY category, coalesce(occurred_at, 0), id`).map((r) => r.id);
  const entries = EntrySpool.create<IndexEntry>(root);
  const itemIds: string[] = [];
  const files: WrittenFile[] = [];
  /** Listed after every original, as before the files were streamed. */
  const recordFiles: WrittenFile[] = [];
  const counts: Record<string, number> = {};
  let bytes = 0;
  let done = 0;
  let records = null as { category: string; doc: JsonDocumentStream } | null;
  const closeRecords = async (): Promise<void> => {
    if (!records) return;
    const { category, doc } = records;
    records = null;
    const rel = `Records/${category}.json`;
    const w = await doc.close();
    await vault.afterWrites(() => track(db, root, rel, category, w));
    recordFiles.push({ path: rel, category, sha256: w.sha256, size: w.size });
    bytes += w.size;
  };
  try {
    for (const id of ids) {
      await control.checkpoint();
      const item = vault.getItem(id);
      if (!item) continue;
      const cat = item.category;
      counts[cat] = (counts[cat] ?? 0) + 1;
      const held: string[] = [];
      const fixed = CATEGORY_FILE[cat];
      if (fixed && !skipped.has(id) && formats.get(cat)?.some((f) => f.path === fixed)) held.push(fixed);
      const used = new Set<string>();
      for (const f of item.files) {
        if (f.role === 'thumbnail') continue;
        let hash: string | null = null;
        if (f.role === 'original' && (MEDIA.has(cat) || cat === 'note') && !skipped.has(id)) {
          hash = await hashStream(vault.readFile(id, f.role, f.ordinal));
          const same = formats.get(cat)?.find((x) => x.sha256 === hash && !usedFormat.has(x.path));
          if (same) {
            usedFormat.add(same.path);
            held.push(same.path);
            if (MEDIA.has(cat)) continue; // the dated tree already holds the original, byte for byte
          }
        }
        let name = safeFileName(f.name, f.role);
        if (f.role !== 'original') name = `${f.role}-${f.ordinal + 1}-${name}`;
        for (let n = 2; used.has(name.toLowerCase()); n++) name = `${n}-${name}`;
        used.add(name.toLowerCase());
        const rel = `Originals/${cat}/${id}/${name}`;
        await vault.afterWrites(() => track(db, root, rel, cat));
        const w = await streamAtomic(inside(root, rel), vault.readFile(id, f.role, f.ordinal));
        await vault.afterWrites(() => track(db, root, rel, cat, w));
        files.push({ path: rel, category: cat, sha256: w.sha256, size: w.size });
        bytes += w.size;
        held.push(rel);
      }
      if (cat === 'note' && !held.some((p) => p.startsWith('Notes/')) && !skipped.has(id)) {
        // A note written as Markdown from its fields: found by its heading.
        const heading = `# ${item.title.replace(/\s*\r?\n\s*/g, ' ') || 'Untitled note'}`;
        const md = formats.get('note')?.find((x) => x.heading === heading && !usedFormat.has(x.path));
        if (md) {
          usedFormat.add(md.path);
          held.push(md.path);
        }
      }
      held.push(`Records/${cat}.json`);
      if (records?.category !== cat) {
        await closeRecords();
        await vault.afterWrites(() => track(db, root, `Records/${cat}.json`, cat));
        const doc = await JsonDocumentStream.open(inside(root, `Records/${cat}.json`));
        records = { category: cat, doc };
        await doc.field('format', 'keepsake-records');
        await doc.field('version', 1);
        await doc.field('category', cat);
        doc.beginArray('items');
      }
      await records.doc.push(recordOf(id, item));
      const storedIn = all<{ name: string; kind: string; state: string; encryption: string }>(
        db,
        sql`SELECT l.name, l.kind, c.state, c.encryption FROM copies c JOIN locations l ON l.id = c.location_id WHERE c.item_id = ${id} ORDER BY l.id`,
      ).map((r) => ({ location: r.name, kind: r.kind, state: r.state, encryption: r.encryption }));
      await entries.append({ id, category: cat, title: item.title, occurredAt: item.occurredAt, createdAt: item.createdAt, updatedAt: item.updatedAt, device: item.deviceId || null, storedIn, files: held });
      itemIds.push(id);
      control.report({ phase: 'Writing originals and records', done: ++done, total: ids.length });
    }
    await closeRecords();
  } catch (e) {
    if (records) await records.doc.abort();
    await entries.remove();
    throw e;
  }
  return { entries, itemIds, files: [...files, ...recordFiles], counts, bytes };
}
