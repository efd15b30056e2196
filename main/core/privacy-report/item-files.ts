// The per-item part of a privacy report: every item's original files (under
// Originals/<category>/<item id>/), every item's record in full (Records/<category>.json:
// title, text, fields, location, dates, device) and, for the index, which bundle files
// hold each item — its originals, its record, and the standard-format file the recovery
// writer put it in (contacts.vcf, calendar.ics, sms.xml, calls.xml, mail.mbox, a note's
// Markdown file, a photo in the dated tree). A photo whose dated-tree copy is byte for byte
// its original is not written twice.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CategoryReport, RecoveryReport } from '../../../common/contract/recovery';
import type { JobControl } from '../jobs/job-manager';
import { inside, sha256, streamAtomic, writeAtomic } from '../recovery/atomic';
import { safeFileName } from '../intake/records/util';
import { all, sql, type Db } from '../vault/sql';
import type { Vault } from '../vault/vault';

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
  entries: IndexEntry[];
  files: WrittenFile[];
  counts: Record<string, number>;
  bytes: number;
}

export async function writeItemFiles(vault: Vault, root: string, report: RecoveryReport, control: Pick<JobControl, 'report' | 'checkpoint'>): Promise<ItemPass> {
  const db = vault.indexDb;
  const formats = await formatFiles(db, root, report);
  const skipped = new Set(report.categories.flatMap((c) => c.skipped.map((s) => s.itemId)));
  const usedFormat = new Set<string>();
  const storedIn = new Map<string, StoredIn[]>();
  for (const r of all<{ item_id: string; name: string; kind: string; state: string; encryption: string }>(
    db,
    sql`SELECT c.item_id, l.name, l.kind, c.state, c.encryption FROM copies c JOIN locations l ON l.id = c.location_id ORDER BY l.id`,
  )) {
    storedIn.set(r.item_id, [...(storedIn.get(r.item_id) ?? []), { location: r.name, kind: r.kind, state: r.state, encryption: r.encryption }]);
  }
  const ids = all<{ id: string }>(db, sql`SELECT id FROM items ORDER BY category, coalesce(occurred_at, 0), id`).map((r) => r.id);
  const entries: IndexEntry[] = [];
  const files: WrittenFile[] = [];
  const records = new Map<string, unknown[]>();
  const counts: Record<string, number> = {};
  let bytes = 0;
  let done = 0;
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
      const w = await streamAtomic(inside(root, rel), vault.readFile(id, f.role, f.ordinal));
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
    records.set(cat, [
      ...(records.get(cat) ?? []),
      { id, title: item.title, text: item.text, occurredAt: item.occurredAt, createdAt: item.createdAt, updatedAt: item.updatedAt, device: item.deviceId, personal: item.personal, location: item.location, fields: item.fields, files: item.files.filter((f) => f.role !== 'thumbnail').map(({ role, name, mime, size }) => ({ role, name, mime, size })) },
    ]);
    entries.push({ id, category: cat, title: item.title, occurredAt: item.occurredAt, createdAt: item.createdAt, updatedAt: item.updatedAt, device: item.deviceId || null, storedIn: storedIn.get(id) ?? [], files: held });
    control.report({ phase: 'Writing originals and records', done: ++done, total: ids.length });
  }
  for (const [cat, list] of records) {
    const rel = `Records/${cat}.json`;
    const body = Buffer.from(`${JSON.stringify({ format: 'keepsake-records', version: 1, category: cat, items: list }, null, 2)}\n`, 'utf8');
    await writeAtomic(inside(root, rel), body);
    files.push({ path: rel, category: cat, sha256: sha256(body), size: body.length });
    bytes += body.length;
  }
  return { entries, files, counts, bytes };
}
