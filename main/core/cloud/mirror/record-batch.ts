// Writes a sync's "uploaded and verified" records in batches. Each record is a row in the
// encrypted index, which commits with synchronous=FULL: one record per commit meant one
// fsync per object, taken on the event loop, stalling every upload in flight while it
// lasted. Batched, a crash loses at most the records of the last batch; those objects are
// simply uploaded again by the next sync. The records are a cache of what was verified —
// the manifest is built from this run's own results, and the batch is flushed before the
// manifest that names those objects is published.
import type { CloudStore, StoredObject } from './cloud-store';
import { writerOf } from './source';

export interface RecordBatchOptions {
  /** Flush when this many records are waiting. */
  maxRecords?: number;
  /** Flush when the oldest waiting record is this old (ms). */
  maxAgeMs?: number;
  now?: () => number;
  /** Runs the batch's write (the vault's write queue: MirrorSource.afterWrites); default: directly. */
  write?: <T>(fn: () => T) => Promise<T>;
}

export class RecordBatch {
  private pending: Array<Omit<StoredObject, 'verifiedAt'>> = [];
  private oldest = 0;
  private readonly maxRecords: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly write: <T>(fn: () => T) => Promise<T>;

  constructor(
    private readonly store: CloudStore,
    private readonly targetId: string,
    opts: RecordBatchOptions = {},
  ) {
    this.maxRecords = opts.maxRecords ?? 32;
    this.maxAgeMs = opts.maxAgeMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.write = writerOf(opts.write);
  }

  /** Queues a record; resolves once it is written when this call filled the batch (or aged it out). */
  async add(o: Omit<StoredObject, 'verifiedAt'>): Promise<void> {
    if (this.pending.length === 0) this.oldest = this.now();
    this.pending.push(o);
    if (this.pending.length >= this.maxRecords || this.now() - this.oldest >= this.maxAgeMs) await this.flush();
  }

  /** Writes every waiting record (one transaction). */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.write(() => this.store.recordObjects(this.targetId, batch));
  }

  get waiting(): number {
    return this.pending.length;
  }
}
