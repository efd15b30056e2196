// The import job: walks the chosen files and folders, picks each file's importer by
// content (then by name), streams the items into the vault in bounded batches, reports
// progress (files, items, bytes, ETA), yields to pause/cancel between batches and inside
// parsers, resumes after a crash from the vault's checkpoint table, and ends with a
// report: per file imported / duplicate / tombstoned / refused, with item counts per
// category, and every refusal with its file, position and plain-words reason.
// Idempotent: items carry stable source keys, so importing the same thing again adds nothing.
import { open as openFile } from 'node:fs/promises';
import { readdirSync, rmSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type { ImportFileReport, ImportRefusal, ImportReport } from '../../../common/contract/intake';
import type { JobInfo } from '../../../common/contract/jobs';
import type { Category } from '../../../common/domain';
import { KeepsakeError, isKeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { stagingRoot } from '../staging';
import { run as runSql, sql } from '../vault/sql';
import type { JobControl } from '../jobs/job-manager';
import type { PutResult } from '../vault/types';
import type { Vault } from '../vault/vault';
import { clearCheckpoints, importKey, loadCheckpoints, saveCheckpoint } from './import-checkpoints';
import { originDevice, type OriginDevice } from './origin-device';
import { fileInput } from './records/util';
import { SNIFF_BYTES, detectFormat } from './registry';
import type { ImportContext, ImportInput, Importer, ParsedItem } from './types';
import { walkPaths, type WalkEntry } from './walk';

export const BATCH_ITEMS = 500;
/**
 * Row-only items (no files: messages, calls, contacts, events) go to the vault's bulk path
 * in batches this large: one transaction each. Two indexes take inserts in random order,
 * so each batch rewrites (and re-encrypts, in the WAL and again at checkpoint) a leaf page
 * per few new rows; at a million messages that is ~1.45 pages per message with batches of
 * 10,000 and ~1.0 with 25,000 (docs/intake.md, Performance). ~50 MB of parsed items.
 */
export const RECORD_BATCH_ITEMS = 25_000;
/** In-memory attachment bytes per batch, so 500 MMS with photos cannot pile up in RAM. */
export const BATCH_BYTES = 32 * 1024 * 1024;
/** Row-only items are also cut at this many bytes of text and fields per transaction. */
export const RECORD_BATCH_BYTES = 64 * 1024 * 1024;
/** Part refusals listed per file; beyond this they are counted in one summary line. */
export const MAX_REFUSALS_PER_FILE = 1000;

export type ImportControl = Pick<JobControl, 'report' | 'checkpoint'>;

export interface ImportOptions {
  /** Password for encrypted Android backups (.ab) found among the inputs. */
  password?: string;
  /** Job title (watch folders name their folder); default from the paths. */
  title?: string;
  /** Row-only items per vault transaction (default RECORD_BATCH_ITEMS; tests use fewer). */
  recordBatchItems?: number;
  /** Bytes of text and fields per records transaction (default RECORD_BATCH_BYTES; tests use fewer). */
  recordBatchBytes?: number;
}

const reports = new WeakMap<Core, Map<string, ImportReport>>();

function reportsOf(core: Core): Map<string, ImportReport> {
  let m = reports.get(core);
  if (!m) {
    m = new Map();
    reports.set(core, m);
  }
  return m;
}

/** The report of an import job of this session (live while it runs). */
export function importReport(core: Core, jobId: string): ImportReport {
  const r = reportsOf(core).get(jobId);
  if (!r) throw new KeepsakeError('NOT_FOUND', 'There is no import job with that id in this session.');
  return r;
}

/** Starts an import job and returns at once; the report is at importReport(core, id). */
export function startImport(core: Core, paths: string[], options: ImportOptions = {}): JobInfo {
  const { info, result } = launchImport(core, paths, options);
  result.catch(() => undefined); // the outcome lives in the job's state and the report
  return info;
}

/** Starts an import job; the caller may await its outcome (the CLI does). */
export function launchImport(core: Core, paths: string[], options: ImportOptions = {}): { info: JobInfo; result: Promise<ImportOutcome> } {
  if (!core.vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault before importing.');
  if (paths.length === 0) throw new KeepsakeError('BAD_INPUT', 'Choose at least one file or folder to import.');
  const staged = stagedBatches(core, paths);
  const title = options.title ?? importTitle(paths, staged.length > 0);
  const launched = core.jobs.start<ImportOutcome>({
    kind: 'import',
    title,
    canPause: true,
    run: (control) => runImport(core, paths, control, control.id, options),
    summarize: (r) => summarize(r),
  });
  if (staged.length) {
    // Uploaded files are copies made for this import: once it is over (finished, failed
    // or cancelled), they go. A crash leaves them to sweepStaging().
    const remove = () => {
      for (const dir of staged) rmSync(dir, { recursive: true, force: true });
    };
    // Except when a backup among them waits for its password: the retry reads them again
    // (and removes them when it is over); sweepStaging() removes them if no retry comes.
    launched.result.then((r) => (r.files.some((f) => f.needsPassword) ? undefined : remove()), remove);
  }
  return launched;
}

/** Upload batch folders (<data>/staging/uploads/<batch>) among the paths or holding them. */
export function stagedBatches(core: Core, paths: string[]): string[] {
  const uploads = resolve(join(stagingRoot(core.dataFolder), 'uploads'));
  const out = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    if (!abs.startsWith(uploads + sep)) continue;
    const batch = abs.slice(uploads.length + 1).split(sep)[0];
    if (batch) out.add(join(uploads, batch));
  }
  return [...out];
}

/** "Import photo.jpg", "Import 3 files" (a staged batch folder's hex name means nothing to a person). */
export function importTitle(paths: string[], staged: boolean): string {
  if (staged && paths.length === 1) {
    // A whole upload batch folder: count its files.
    return /^[0-9a-f]{16}$/.test(basename(paths[0]!)) ? `Import ${countFiles(paths[0]!)}` : `Import ${basename(paths[0]!)}`;
  }
  if (paths.length === 1) return `Import ${basename(paths[0]!)}`;
  return staged ? `Import ${paths.length} files` : `Import ${paths.length} files and folders`;
}

function countFiles(dir: string): string {
  let n = 0;
  try {
    n = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
  } catch {
    return 'uploaded files';
  }
  return n === 1 ? '1 file' : `${n} files`;
}

export function summarize(r: ImportReport): string {
  const items = Object.values(r.totals).reduce((a, b) => a + b, 0);
  const refused = r.files.filter((f) => f.status === 'refused').length;
  const added = r.files.reduce((a, f) => a + f.added, 0);
  const n = (count: number, one: string, many: string) => `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
  return `Read ${n(items, 'item', 'items')} from ${n(r.files.length, 'file', 'files')}: ${added.toLocaleString('en')} new${refused ? `, ${n(refused, 'file', 'files')} refused` : ''}${r.refusals.length ? `, ${n(r.refusals.length, 'part', 'parts')} refused` : ''}.`;
}

function emptyFileReport(path: string): ImportFileReport {
  return { path, status: 'imported', items: {}, added: 0, duplicates: 0, tombstoned: 0, notes: [] };
}

/**
 * Roughly what a row-only item holds in memory: its text and the string fields beside it
 * (an Evernote web clip keeps ~100 KB of ENML in `fields`). Counted so a batch of 25,000
 * such records is cut at RECORD_BATCH_BYTES long before it reaches gigabytes.
 */
function recordBytes(item: ParsedItem): number {
  let n = (item.text?.length ?? 0) + (item.title?.length ?? 0);
  for (const v of Object.values(item.fields ?? {})) n += typeof v === 'string' ? v.length : 64;
  return n;
}

function inlineBytes(item: ParsedItem): number {
  let n = 0;
  for (const f of item.files ?? []) if (Buffer.isBuffer(f.data)) n += f.data.length;
  return n + (item.text?.length ?? 0);
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await openFile(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Internal errors seen during a run (a parser bug): the CLI exits non-zero when any. */
export interface ImportOutcome extends ImportReport {
  internalErrors: number;
}

/**
 * Runs an import to the end (the body of the job; tests call it directly with a control).
 * Throws KeepsakeError('CANCELLED') when cancelled; the report so far stays readable.
 */
export async function runImport(core: Core, paths: string[], control: ImportControl, jobId = `direct-${Date.now()}`, options: ImportOptions = {}): Promise<ImportOutcome> {
  const vault = core.vault;
  if (!vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault before importing.');
  const report: ImportOutcome = { jobId, state: 'running', files: [], totals: {}, refusals: [], startedAt: core.clock.now(), finishedAt: null, internalErrors: 0 };
  reportsOf(core).set(jobId, report);
  control.report({ phase: 'Looking at the chosen files' });
  const entries = await walkPaths(paths);
  const key = importKey(entries.map((e) => e.path));
  const done = loadCheckpoints(vault, key);
  const bytesTotal = entries.reduce((a, e) => a + (e.kind === 'missing' ? 0 : e.size), 0);
  let bytesBefore = 0;
  let filesDone = 0;
  let itemsTotal = 0;
  control.report({ total: entries.length, done: 0, bytesTotal, bytesDone: 0 });
  try {
    for (const entry of entries) {
      await control.checkpoint();
      const cp = entry.kind !== 'missing' ? done.get(entry.path) : undefined;
      if (cp && entry.kind !== 'missing' && cp.size === entry.size && cp.mtimeMs === entry.mtimeMs) {
        // Finished before a crash or cancel: reuse its report instead of reading it again.
        addFile(report, cp.report);
        report.refusals.push(...cp.refusals);
      } else {
        const refusalsBefore = report.refusals.length;
        const fr = await importEntry(core, vault, entry, report, control, options, {
          onProgress: (bytes, items) => {
            control.report({ phase: `Reading ${basename(entry.path)} (${(itemsTotal + items).toLocaleString('en')} items)`, bytesDone: bytesBefore + Math.min(bytes, entry.kind === 'missing' ? 0 : entry.size) });
          },
        });
        addFile(report, fr);
        // Through the vault's write queue: a direct write would wait synchronously while
        // another import's batch holds the write lock on the storage worker.
        if (entry.kind !== 'missing') {
          const cp = { size: entry.size, mtimeMs: entry.mtimeMs, report: fr, refusals: report.refusals.slice(refusalsBefore) };
          await vault.afterWrites(() => saveCheckpoint(vault, key, entry.path, cp, core.clock.now()));
        }
      }
      filesDone++;
      itemsTotal = Object.values(report.totals).reduce((a, b) => a + b, 0);
      bytesBefore += entry.kind === 'missing' ? 0 : entry.size;
      control.report({ done: filesDone, bytesDone: bytesBefore, phase: `Imported ${filesDone} of ${entries.length} files (${itemsTotal.toLocaleString('en')} items)` });
    }
  } catch (e) {
    report.state = isKeepsakeError(e) && e.code === 'CANCELLED' ? 'cancelled' : 'failed';
    report.finishedAt = core.clock.now();
    throw e;
  }
  await vault.afterWrites(() => clearCheckpoints(vault, key));
  report.state = 'finished';
  report.finishedAt = core.clock.now();
  return report;
}

function addFile(report: ImportReport, fr: ImportFileReport): void {
  report.files.push(fr);
  for (const [c, n] of Object.entries(fr.items) as Array<[Category, number]>) report.totals[c] = (report.totals[c] ?? 0) + n;
}

async function importEntry(core: Core, vault: Vault, entry: WalkEntry, report: ImportOutcome, control: ImportControl, options: ImportOptions, hooks: { onProgress(bytes: number, items: number): void }): Promise<ImportFileReport> {
  const fr = emptyFileReport(entry.path);
  const refuseFile = (reason: string): ImportFileReport => ({ ...fr, status: 'refused', reason });
  if (entry.kind === 'missing') return refuseFile(entry.reason);

  let run: (ctx: ImportContext) => AsyncIterable<ParsedItem>;
  let head: Buffer | null = null;
  if (entry.kind === 'folder') {
    fr.format = entry.spec.id;
    run = (ctx) => entry.spec.importer(entry.path, ctx);
  } else {
    if (entry.size === 0) return refuseFile('The file is empty.');
    try {
      head = await readHead(entry.path);
    } catch {
      return refuseFile('The file could not be read (permission denied, or it was removed).');
    }
    const spec = detectFormat(head!, basename(entry.path));
    if (!spec) return refuseFile('Keepsake does not recognise this kind of file, so nothing was imported from it.');
    fr.format = spec.id;
    const input: ImportInput = fileInput(entry.path);
    const importer: Importer = spec.importer;
    run = (ctx) => importer(input, ctx);
  }

  // Items from a backup are tagged with its phone (origin-device.ts); loose files stay local.
  const origin = await originDevice(entry.path, fr.format ?? '', head).catch(() => null);
  if (origin) await vault.afterWrites(() => ensureOriginDevice(vault, origin, core.clock.now()));

  let items = 0;
  let bytes = 0;
  const cleanups: Array<() => void> = [];
  let refusedParts = 0;
  const ctx: ImportContext = {
    report: (p) => {
      if (p.bytes !== undefined) bytes = p.bytes;
      hooks.onProgress(bytes, items);
    },
    checkpoint: () => control.checkpoint(),
    refuse: (position, reason) => {
      // A hostile file can have a million bad parts: list the first ones, count the rest.
      if (++refusedParts <= MAX_REFUSALS_PER_FILE) report.refusals.push({ path: entry.path, position, reason } satisfies ImportRefusal);
    },
    note: (message) => {
      fr.notes.push(message);
    },
    dataFolder: core.dataFolder,
    ...(options.password !== undefined ? { password: options.password } : {}),
    defer: (cleanup) => {
      cleanups.push(cleanup);
    },
  };

  // Containers' staging areas go once everything they yielded is stored (or on cancel/failure).
  const runCleanups = () => {
    for (const c of cleanups.splice(0)) {
      try {
        c();
      } catch {
        core.log.warn('intake.cleanup-failed', { format: fr.format ?? 'unknown' });
      }
    }
  };
  // Items with files go to putItems (packs, chunks); row-only items to putRecords, in
  // larger batches. Each kind keeps its own order. The one case where the order between
  // the two matters — the same source key again (an MMS listed twice, once without its
  // attachment) — is kept by storing the other batch first when it holds that key.
  let batch: ParsedItem[] = [];
  let batchBytes = 0;
  let records: ParsedItem[] = [];
  let recordBatchBytes = 0;
  const fileKeys = new Set<string>();
  const recordKeys = new Set<string>();
  const keyOf = (item: ParsedItem) => `${item.deviceId ?? 'local'}\u0000${item.sourceKey}`;
  const count = (stored: ParsedItem[], results: PutResult[]) => {
    stored.forEach((item, i) => {
      const r = results[i];
      fr.items[item.category] = (fr.items[item.category] ?? 0) + 1;
      if (r?.status === 'added' || r?.status === 'updated') fr.added++;
      else if (r?.status === 'duplicate') fr.duplicates++;
      else if (r?.status === 'tombstoned') fr.tombstoned++;
    });
  };
  const flushFiles = async () => {
    if (!batch.length) return;
    const stored = batch;
    batch = [];
    batchBytes = 0;
    fileKeys.clear();
    count(stored, await vault.putItems(stored));
    await control.checkpoint();
  };
  // A records batch is stored while the next one is read (the storage worker commits it
  // off this thread: docs/vault.md), with at most one batch in flight. The vault's write
  // queue keeps the call order, so a files batch sent later is still stored after it.
  // The file's checkpoint is saved only after flush(), i.e. after the last commit.
  let storing: Promise<void> = Promise.resolve();
  const settle = async () => {
    const previous = storing;
    storing = Promise.resolve();
    await previous;
  };
  const flushRecords = async () => {
    if (!records.length) return;
    const stored = records;
    records = [];
    recordBatchBytes = 0;
    recordKeys.clear();
    await settle(); // the previous batch (its failure surfaces here, once)
    // Pause/cancel between a commit and the next batch: a cancel keeps exactly the
    // batches committed so far and starts no other.
    await control.checkpoint();
    const put = vault.putRecords(stored).then((results) => count(stored, results));
    put.catch(() => undefined); // awaited at the next flush or at the end; not unhandled meanwhile
    storing = put;
  };
  const flush = async () => {
    await flushFiles();
    await flushRecords();
    await settle();
  };

  let failure: string | null = null;
  let needsPassword = false;
  try {
    for await (const item of run(ctx)) {
      if (origin && item.deviceId === undefined) item.deviceId = origin.id;
      items++;
      const key = keyOf(item);
      if (item.files?.length) {
        if (recordKeys.has(key)) await flushRecords();
        batch.push(item);
        fileKeys.add(key);
        batchBytes += inlineBytes(item);
        if (batch.length >= BATCH_ITEMS || batchBytes >= BATCH_BYTES) {
          await flushFiles();
          hooks.onProgress(bytes, items);
        }
      } else {
        if (fileKeys.has(key)) await flushFiles();
        records.push(item);
        recordKeys.add(key);
        recordBatchBytes += recordBytes(item);
        if (records.length >= (options.recordBatchItems ?? RECORD_BATCH_ITEMS) || recordBatchBytes >= (options.recordBatchBytes ?? RECORD_BATCH_BYTES)) {
          await flushRecords();
          hooks.onProgress(bytes, items);
        }
      }
    }
  } catch (e) {
    if (isKeepsakeError(e) && e.code === 'CANCELLED') {
      // A batch already sent is committed (or fails) before the job says it has stopped.
      await settle().catch(() => undefined);
      runCleanups();
      throw e;
    }
    if (isKeepsakeError(e)) {
      failure = e.message;
      // An encrypted backup without (or with a wrong) password: hosts ask for it and retry.
      if (e.code === 'WRONG_PASSPHRASE') needsPassword = true;
    }
    else {
      report.internalErrors++;
      core.log.error('intake.parser-failed', { format: fr.format ?? 'unknown', error: e instanceof Error ? e.name : 'unknown' });
      failure = 'Keepsake could not read this file because of an internal error (logged); the rest of the import went on.';
    }
  }
  try {
    await flush();
  } finally {
    runCleanups();
  }
  if (refusedParts > MAX_REFUSALS_PER_FILE) {
    report.refusals.push({ path: entry.path, position: 'the rest of the file', reason: `${(refusedParts - MAX_REFUSALS_PER_FILE).toLocaleString('en')} more parts were refused for the same kinds of reasons as above.` });
  }
  if (failure !== null) {
    if (items === 0) return { ...fr, status: 'refused', reason: failure, ...(needsPassword ? { needsPassword: true } : {}) };
    report.refusals.push({ path: entry.path, position: 'after the last item read', reason: `${failure} The ${items} items read before that were kept.` });
  }
  if (fr.added === 0 && items > 0) fr.status = fr.duplicates > 0 ? 'duplicate' : 'tombstoned';
  return fr;
}

/** The device row an origin tag points at (named, so "Devices" shows the phone, not an id). */
function ensureOriginDevice(vault: Vault, d: OriginDevice, now: number): void {
  runSql(
    vault.indexDb,
    sql`INSERT INTO devices (id, name, model, platform, created_at) VALUES (${d.id}, ${d.name}, ${d.model}, ${d.platform}, ${now})
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, model = coalesce(excluded.model, devices.model), platform = coalesce(excluded.platform, devices.platform)`,
  );
}

/** The exact shape `keepsake import --json` prints (see the issue's interface section). */
export function cliReport(r: ImportReport): { files: Array<{ path: string; status: string; items: Partial<Record<Category, number>>; reason?: string }>; totals: Partial<Record<Category, number>>; refusals: ImportRefusal[] } {
  return {
    files: r.files.map((f) => ({ path: f.path, status: f.status, items: f.items, ...(f.reason !== undefined ? { reason: f.reason } : {}) })),
    totals: r.totals,
    refusals: r.refusals,
  };
}
