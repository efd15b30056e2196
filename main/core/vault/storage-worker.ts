// Stores large batches of row-only items on a worker thread, so a big import no longer
// freezes the host's event loop (RELIABILITY row 51: event-loop p99 < 100 ms). A
// 25,000-record transaction of putRecords() takes ~3 s of CPU; on the host thread that
// is 3 s in which the desktop app's main process (or the web host) answers nothing.
//
// The worker (storage-worker-thread.ts) has its own connection to the encrypted index and
// runs the same putRecords() code, so every guarantee stays: fingerprints, twin/tombstone/
// source dedupe, FTS (the triggers), durability (the answer comes after COMMIT under
// synchronous=FULL). The vault calls storeRecords() inside its serialised write queue, so
// every write that goes through the vault waits for the batch asynchronously; events
// (library.changed) are still told by the vault on this thread after the commit.
//
// Small batches (< WORKER_MIN_RECORDS) stay on this thread: starting the worker costs
// 0.2–1 s once, and a few hundred records take milliseconds. Where the worker cannot
// start (no tsx loader, no worker threads, the index cannot be opened from it), or dies
// during a batch, the batch is stored on this thread instead — re-storing a batch the
// worker may have committed just before dying is safe: putRecords is idempotent (the
// items come back as duplicates).
//
// Direct writes on the host connection (vault.indexDb) that do not go through the vault's
// queue would wait synchronously on SQLite's busy handler while a worker batch holds the
// write lock; once the worker runs, the host connection's busy_timeout is raised so such
// a write waits for the batch (bounded by one batch) instead of failing with SQLITE_BUSY.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { KeepsakeError } from '../../../common/errors';
import type { VaultContext } from './context';
import { putRecords, type RecordItem } from './record-store';
import { STATUS_CODES, type FromStorageWorker, type StorageWorkerData, type ToStorageWorker, type WorkerError } from './storage-worker-protocol';
import type { PutResult } from './types';

/** Batches at least this large go to the worker (fewer records take milliseconds here). */
export const WORKER_MIN_RECORDS = 1000;
/** Records per message: each clone is a few ms on this thread, with a turn of the event loop between them. */
export const SLICE_RECORDS = 1000;
/**
 * busy_timeout (ms) of both connections once the worker runs. A host write outside the
 * vault's queue waits at most one batch (~3 s quiet, 2–4× that under load); the default
 * 5 s could run out under load and show a person SQLITE_BUSY.
 */
export const BUSY_TIMEOUT_MS = 120_000;

export type StorageWorkerMode = 'auto' | 'off' | 'always';

interface Settings {
  /** auto: large batches on the worker; off: everything on this thread; always: every batch on the worker (tests). */
  mode: StorageWorkerMode;
  /** Tests: start the worker from another entry (e.g. one that fails to load). */
  entry: URL;
}

const DEFAULT_ENTRY = new URL('./storage-worker-entry.mjs', import.meta.url);
const envMode = process.env.KEEPSAKE_STORAGE_WORKER;
let settings: Settings = { mode: envMode === 'off' || envMode === 'always' ? envMode : 'auto', entry: DEFAULT_ENTRY };

/** Changes how records are stored in this thread's vaults (benchmarks, tests); returns the previous settings. */
export function configureStorageWorker(change: Partial<Settings>): Settings {
  const before = settings;
  settings = { ...settings, ...change };
  return before;
}

/** Batches stored on a worker and on this thread since the module loaded (tests, benchmarks). */
export const storageCounts = { onWorker: 0, here: 0 };

/** A worker that ended during a batch (crash, out of memory): the batch is stored here instead. */
class WorkerLost extends Error {}

/** One vault's storage worker: batches in order, one at a time (the vault's queue sees to it). */
export class StorageWorker {
  private nextId = 1;
  private waiting: { id: number; resolve(r: PutResult[]): void; reject(e: unknown): void } | null = null;
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exit = new Promise((resolve) => {
      worker.on('exit', () => {
        this.exited = true;
        this.waiting?.reject(new WorkerLost('The storage worker stopped.'));
        this.waiting = null;
        resolve();
      });
    });
    worker.on('message', (m: FromStorageWorker) => this.receive(m));
    // An uncaught error ends the worker: 'exit' follows and fails the batch it held.
    worker.on('error', () => undefined);
    worker.unref(); // idle, it keeps no process alive
  }

  /** Starts a worker on the vault's index; null when it cannot (the caller stores on this thread). */
  static async start(ctx: VaultContext, indexKey: Buffer, entry: URL): Promise<StorageWorker | null> {
    const fingerprintKey = Buffer.from(ctx.keys.fingerprint);
    const data: StorageWorkerData = { indexPath: ctx.layout.index, indexKey, fingerprintKey, busyTimeoutMs: BUSY_TIMEOUT_MS };
    let worker: Worker;
    try {
      worker = new Worker(entry, { workerData: data });
    } catch {
      return null;
    } finally {
      // workerData was cloned into the worker when it was created: these copies can go.
      indexKey.fill(0);
      fingerprintKey.fill(0);
    }
    const first = await new Promise<FromStorageWorker | null>((resolve) => {
      worker.once('message', resolve);
      worker.once('error', () => resolve(null));
      worker.once('exit', () => resolve(null));
    });
    if (first?.type !== 'ready') {
      await worker.terminate();
      return null;
    }
    ctx.db.pragma(`busy_timeout=${BUSY_TIMEOUT_MS}`); // see the header: direct host writes wait, never fail
    return new StorageWorker(worker);
  }

  /** Stores the batch in one transaction on the worker; resolves after its COMMIT. */
  async put(batch: readonly RecordItem[], now: number): Promise<PutResult[]> {
    if (this.exited) throw new WorkerLost('The storage worker stopped.');
    const id = this.nextId++;
    const answer = new Promise<PutResult[]>((resolve, reject) => (this.waiting = { id, resolve, reject }));
    this.worker.ref(); // a batch in flight keeps the process alive until it has committed
    try {
      for (let i = 0; i < batch.length; i += SLICE_RECORDS) {
        if (i > 0) await nextTurn(); // let timers and I/O run between clones
        if (this.exited) break; // 'exit' has already failed the answer
        this.send({ type: 'slice', items: batch.slice(i, i + SLICE_RECORDS) });
      }
      if (!this.exited) this.send({ type: 'put', id, now });
      return await answer;
    } finally {
      if (!this.exited) this.worker.unref();
    }
  }

  /** Ends the worker: it closes its connection and wipes its key. A batch in flight is rolled back. */
  close(): void {
    if (this.exited) return;
    if (this.waiting) {
      this.waiting.reject(new KeepsakeError('VAULT_LOCKED', 'The vault was locked before the batch was stored.'));
      this.waiting = null;
      void this.worker.terminate(); // the thread's connection closes and its open transaction rolls back
    } else this.send({ type: 'close' });
  }

  /** Resolves once the thread has ended (tests). */
  ended(): Promise<void> {
    return this.exit;
  }

  private send(m: ToStorageWorker): void {
    this.worker.postMessage(m);
  }

  private receive(m: FromStorageWorker): void {
    const w = this.waiting;
    if (!w || !('id' in m) || m.id !== w.id) return;
    this.waiting = null;
    if (m.type === 'stored') w.resolve(unpack(m));
    else w.reject(rebuild(m.error));
  }
}

function unpack(m: Extract<FromStorageWorker, { type: 'stored' }>): PutResult[] {
  const ids = m.statuses.length ? m.ids.split(',') : [];
  const out: PutResult[] = new Array<PutResult>(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = { id: ids[i]!, status: STATUS_CODES[m.statuses[i]!]!, version: m.versions[i]! };
  return out;
}

function rebuild(e: WorkerError): Error {
  if (e.kind === 'keepsake') return new KeepsakeError(e.code, e.message);
  // The vault's write queue maps SQLite codes (disk full, damaged index) to plain words.
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code) err.code = e.code;
  return err;
}

// ---- the vault's side --------------------------------------------------------------

/** Per open vault: its worker, or null once it could not start (records then stay on this thread). */
const workers = new WeakMap<VaultContext, Promise<StorageWorker | null>>();

/**
 * putRecords() for the vault (vault.ts calls it inside its write queue): large batches on
 * the storage worker, the rest — and everything when the worker cannot run — here.
 * `indexKey` makes a fresh copy of the index key; the worker's start wipes it.
 */
export async function storeRecords(ctx: VaultContext, batch: readonly RecordItem[], indexKey: () => Buffer): Promise<PutResult[]> {
  const { mode, entry } = settings;
  if (mode === 'off' || (mode === 'auto' && batch.length < WORKER_MIN_RECORDS)) return here(ctx, batch);
  let starting = workers.get(ctx);
  if (!starting) {
    starting = StorageWorker.start(ctx, indexKey(), entry);
    workers.set(ctx, starting);
  }
  const worker = await starting;
  if (!worker) return here(ctx, batch);
  try {
    const results = await worker.put(batch, ctx.now());
    storageCounts.onWorker++;
    return results;
  } catch (e) {
    if (!(e instanceof WorkerLost)) throw e;
    // The worker died (its transaction rolled back when its connection closed, or it had
    // committed and its answer was lost): store here; the next large batch starts a new one.
    workers.delete(ctx);
    await worker.ended();
    return here(ctx, batch);
  }
}

function here(ctx: VaultContext, batch: readonly RecordItem[]): PutResult[] {
  const results = putRecords(ctx, batch);
  storageCounts.here++;
  return results;
}

/** Ends the vault's storage worker (vault.ts, on close). */
export function closeStorageWorker(ctx: VaultContext): void {
  const starting = workers.get(ctx);
  workers.delete(ctx);
  void starting?.then((w) => w?.close());
}

/** The vault's running worker, if any (tests). */
export async function storageWorkerOf(ctx: VaultContext): Promise<StorageWorker | null> {
  return (await workers.get(ctx)) ?? null;
}
