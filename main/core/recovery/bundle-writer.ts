// Writes an export bundle, one category after another, one item at a time: items are read
// from the vault page by page (select.ts), each record category's standard-format file is
// streamed entry by entry (stream-file.ts) — so sms.xml for a million messages or a large
// mailbox never sits in memory as one string or buffer — and notes and media are written
// file by file. Every file is recorded in recovery_files before it is written (so a rerun
// knows the folder as ours), then with its hash and size, and re-read to verify it.
import type { CategoryReport, RecoveryCategory } from '../../../common/contract/recovery';
import { run, sql } from '../vault/sql';
import type { Vault } from '../vault/vault';
import { hashFile, inside, sha256, streamAtomic, uniqueName, writeAtomic } from './atomic';
import { rewriteJpegGps, stripPngLocation } from './exif-gps';
import { loadItem } from './load';
import type { LocationPolicy } from './location';
import { eachSelected, type SelectPlan } from './select';
import { StreamFile } from './stream-file';
import { mediaFolder, mediaName, prepareMedia } from './writers/media';
import { CALENDAR, CALLS, callEntry, contactText, eventEntry, mboxMessage, noteMarkdown, SMS, smsEntry, type Frame, type LoadedItem, type Unsupported } from './writers/records';

export interface BundleContext {
  vault: Vault;
  root: string;
  plan: SelectPlan;
  policy: LocationPolicy;
  control: { report(p: { phase?: string; done?: number; total?: number; bytesDone?: number }): void; checkpoint(): Promise<void> };
  /** Records which location travelled with an item (purged at the end of the recovery). */
  /** Records a shared location (an index write, in turn with the vault's writes: awaited). */
  logLocation(itemId: string, what: string, before: { s: number; c: number }): Promise<void>;
  progress: { done: number; total: number };
}

const MEDIA = new Set<RecoveryCategory>(['photo', 'video', 'screenshot']);
/** Progress is reported every this many items (and at each category's end). */
const REPORT_EVERY = 100;

/** An entry of a category's file, or null when the item is left out (its reason already in the report). */
type Entry = (item: LoadedItem, cat: CategoryReport, unsupported: Unsupported) => string | Buffer | null;

interface RecordFile {
  rel: string;
  frame: Frame | null;
  /** The head carries the number of entries (SMS Backup & Restore `count`). */
  counted: boolean;
  entry: Entry;
}

const NO_FRAME: Frame = { head: () => '', tail: '' };

function recordFile(category: RecoveryCategory, policy: LocationPolicy): RecordFile | null {
  switch (category) {
    case 'contact':
      return { rel: 'Contacts/contacts.vcf', frame: null, counted: false, entry: (i, _c, u) => contactText(i, policy, u) };
    case 'event':
      return {
        rel: 'Calendar/calendar.ics',
        frame: CALENDAR,
        counted: false,
        entry: (i, cat) => {
          const e = eventEntry(i, policy);
          if (e === null) cat.skipped.push({ itemId: i.id, reason: 'The event has no stored iCalendar data.' });
          return e;
        },
      };
    case 'message':
      return { rel: 'Messages/sms.xml', frame: SMS, counted: true, entry: (i) => smsEntry(i, policy) };
    case 'call':
      return { rel: 'Messages/calls.xml', frame: CALLS, counted: true, entry: (i) => callEntry(i) };
    case 'email':
      return { rel: 'Email/mail.mbox', frame: null, counted: false, entry: (i, cat) => emailEntry(i, cat, policy) };
    default:
      return null;
  }
}

function emailEntry(item: LoadedItem, cat: CategoryReport, policy: LocationPolicy): Buffer | null {
  const raw = item.files.find((f) => f.role === 'original' && Buffer.isBuffer(f.data));
  if (!raw) {
    cat.skipped.push({ itemId: item.id, reason: 'The message has no stored original to write.' });
    return null;
  }
  // The mbox carries the original message, attachments included: a photo attached with
  // GPS would travel untouched, so without precise consent such a message is left out
  // rather than shared (rewriting MIME is not safe here).
  if (policy.effective().precision !== 'precise' && attachmentsCarryLocation(item)) {
    policy.drop('email', 'a photo attached to the message carries a location');
    cat.skipped.push({ itemId: item.id, reason: 'A photo attached to this message carries a location, which your location choice does not allow to travel.' });
    return null;
  }
  return mboxMessage(raw.data as Buffer);
}

/** Whether any attached image still carries a location (JPEG/PNG checked; HEIC/TIFF assumed). */
function attachmentsCarryLocation(item: LoadedItem): boolean {
  return item.files.some((f) => {
    if (f.role !== 'attachment' || !Buffer.isBuffer(f.data)) return false;
    const mime = f.mime.toLowerCase();
    try {
      if (mime === 'image/jpeg' || mime === 'image/jpg') return rewriteJpegGps(f.data, 'none').changed;
      if (mime === 'image/png') return stripPngLocation(f.data).changed;
    } catch {
      return true; // unreadable metadata: do not let it travel on a guess
    }
    return mime === 'image/heic' || mime === 'image/heif' || mime === 'image/tiff';
  });
}

/** Records a bundle file on the index, in turn with the vault's writes (Vault.afterWrites): an import's storage-worker batch may hold the index. */
function track(vault: Vault, root: string, rel: string, category: RecoveryCategory, done: { sha256: string; size: number }): Promise<void> {
  return vault.afterWrites(() => {
    run(vault.indexDb, sql`INSERT OR REPLACE INTO recovery_files (recovery_key, path, category, sha256, size) VALUES (${root}, ${rel}, ${category}, ${done.sha256}, ${done.size})`);
  });
}

/** Writes every category of the report into the bundle folder. */
export async function writeBundle(ctx: BundleContext, categories: CategoryReport[]): Promise<void> {
  for (const cat of categories) {
    ctx.control.report({ phase: `Restoring ${cat.category}s`, done: ctx.progress.done, total: ctx.progress.total });
    const unsupported = { add: (f: string) => (cat.unsupported[f] = (cat.unsupported[f] ?? 0) + 1) };
    const file = recordFile(cat.category, ctx.policy);
    if (file) await streamRecords(ctx, cat, file, unsupported);
    else if (cat.category === 'note') await writeNotes(ctx, cat, unsupported);
    else if (MEDIA.has(cat.category)) await writeMedia(ctx, cat);
    ctx.control.report({ done: ctx.progress.done, total: ctx.progress.total });
  }
}

/** Visits the category's selected items in restore order, one page in memory at a time. */
async function eachItem(ctx: BundleContext, cat: CategoryReport, visit: (id: string) => Promise<void>): Promise<void> {
  for (const page of eachSelected(ctx.vault.indexDb, ctx.plan, cat.category)) {
    for (const sel of page) {
      await ctx.control.checkpoint();
      await visit(sel.id);
      if (++ctx.progress.done % REPORT_EVERY === 0) ctx.control.report({ done: ctx.progress.done, total: ctx.progress.total });
    }
  }
}

/** One standard-format file for the whole category, streamed: head, one entry per item, tail. */
async function streamRecords(ctx: BundleContext, cat: CategoryReport, spec: RecordFile, unsupported: Unsupported): Promise<void> {
  const path = inside(ctx.root, spec.rel);
  const frame = spec.frame ?? NO_FRAME;
  // Recorded before the write, so a folder this recovery touched is always known as ours on a rerun.
  await track(ctx.vault, ctx.root, spec.rel, cat.category, { sha256: '', size: 0 });
  const out = await StreamFile.open(path);
  let written = 0;
  try {
    // The count first, from the COUNT query with the same filters (cat.expected).
    await out.head(frame.head(cat.expected));
    await eachItem(ctx, cat, async (id) => {
      const item = await loadItem(ctx.vault, id);
      if (!item) {
        cat.skipped.push({ itemId: id, reason: 'The item is no longer in the vault.' });
        return;
      }
      const before = { s: ctx.policy.shared, c: ctx.policy.coarsened };
      const entry = spec.entry(item, cat, unsupported);
      if (entry !== null) {
        await out.write(entry);
        written++;
      }
      await ctx.logLocation(item.id, `${cat.category} location`, before);
    });
    await out.write(frame.tail);
  } catch (e) {
    await out.abort();
    throw e;
  }
  // The vault changed while the file was written (an item erased or added): the head is
  // rewritten with the number of entries actually in the file.
  const done = await out.close(spec.counted && written !== cat.expected ? { head: frame.head(written) } : {});
  await track(ctx.vault, ctx.root, spec.rel, cat.category, done);
  cat.files.push(spec.rel);
  cat.written = written;
  cat.verified = (await hashFile(path))?.sha256 === done.sha256 ? written : 0;
}

/** A small file written whole (a note, a photo): kept as is when a previous run already wrote the same bytes. */
async function put(ctx: BundleContext, cat: CategoryReport, rel: string, bytes: Buffer): Promise<boolean> {
  const path = inside(ctx.root, rel);
  const want = sha256(bytes);
  await track(ctx.vault, ctx.root, rel, cat.category, { sha256: want, size: bytes.length });
  const have = await hashFile(path);
  if (!have || have.sha256 !== want) await writeAtomic(path, bytes);
  cat.files.push(rel);
  return (await hashFile(path))?.sha256 === want;
}

/** Notes: one Markdown file each. */
async function writeNotes(ctx: BundleContext, cat: CategoryReport, unsupported: Unsupported): Promise<void> {
  const used = new Set<string>();
  await eachItem(ctx, cat, async (id) => {
    const i = await loadItem(ctx.vault, id);
    if (!i) {
      cat.skipped.push({ itemId: id, reason: 'The item is no longer in the vault.' });
      return;
    }
    if (i.fields.format === 'google-keep-labels') {
      cat.skipped.push({ itemId: i.id, reason: 'A Google Keep label list is not a note; each note carries its own labels.' });
      return;
    }
    const stem = (i.title.replace(/[^\p{L}\p{N} _-]+/gu, ' ').trim().slice(0, 60) || 'note').replace(/\s+/g, ' ');
    const name = uniqueName(used, `${stem}.md`, i.id);
    const before = { s: ctx.policy.shared, c: ctx.policy.coarsened };
    cat.written++;
    if (await put(ctx, cat, `Notes/${name}`, noteMarkdown(i, ctx.policy, unsupported))) cat.verified++;
    await ctx.logLocation(i.id, 'note location', before);
  });
}

/** Photos, videos, screenshots: the dated folder tree, location per the consent. */
async function writeMedia(ctx: BundleContext, cat: CategoryReport): Promise<void> {
  const { policy, vault, root } = ctx;
  const used = new Set<string>();
  await eachItem(ctx, cat, async (id) => {
    const before = { s: policy.shared, c: policy.coarsened };
    const item = await loadItem(vault, id, { skipLarge: true });
    const original = item?.files.find((f) => f.role === 'original');
    if (!item || !original) {
      cat.skipped.push({ itemId: id, reason: 'The item has no file to restore.' });
      return;
    }
    const rel = uniqueName(used, `${mediaFolder(item.occurredAt)}/${mediaName(original.name)}`, item.id);
    if (!Buffer.isBuffer(original.data)) {
      // Too large for memory: only a file with no location (or precise allowed) can be streamed unchanged.
      if (item.location && policy.effective().precision !== 'precise') {
        policy.drop(cat.category, 'its location cannot be removed from a file this large');
        cat.skipped.push({ itemId: item.id, reason: 'It carries a location that cannot be removed from a file this large, and precise location was not allowed; it was not shared.' });
      } else {
        if (item.location) policy.point(cat.category, item.location);
        await track(vault, root, rel, cat.category, { sha256: '', size: 0 });
        const path = inside(root, rel);
        const r = await streamAtomic(path, original.data());
        await track(vault, root, rel, cat.category, r);
        cat.files.push(rel);
        cat.written++;
        if ((await hashFile(path))?.sha256 === r.sha256) cat.verified++;
      }
      await ctx.logLocation(item.id, 'media GPS', before);
      return;
    }
    const copy = prepareMedia(cat.category, original.mime, original.data, item.location, policy);
    if (!copy.ok) {
      cat.skipped.push({ itemId: item.id, reason: copy.reason });
    } else {
      cat.written++;
      if (await put(ctx, cat, rel, copy.bytes)) cat.verified++;
    }
    await ctx.logLocation(item.id, 'media GPS', before);
  });
}
