// The storage worker's body: its own connection to the encrypted index (openIndexDb: the
// same cipher, legacy, key and pragma sequence as the host's) and the same putRecords()
// the host thread runs, so a batch stored here is byte-for-byte the batch the host would
// have stored — only the ~3 s of a 25,000-record transaction no longer run on the host's
// event loop. Slices of a batch are gathered until `put`, which runs the transaction and
// answers once COMMIT has returned (synchronous=FULL: durable). Keys arrive as copies: the
// index key is wiped once the connection is open, the fingerprint key on close.
import { parentPort, workerData } from 'node:worker_threads';
import { isKeepsakeError } from '../../../common/errors';
import { openIndexDb } from './index-db';
import { putRecords, type RecordContext, type RecordItem } from './record-store';
import type { Db } from './sql';
import { STATUS_CODES, type FromStorageWorker, type StorageWorkerData, type ToStorageWorker, type WorkerError } from './storage-worker-protocol';

const port = parentPort!;
const data = workerData as StorageWorkerData;
const post = (m: FromStorageWorker): void => port.postMessage(m);
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

let db: Db | null = null;
const fingerprintKey = asBuffer(data.fingerprintKey);
try {
  db = openIndexDb(data.indexPath, asBuffer(data.indexKey));
  // A short host write (a checkpoint row, a device row) may hold the lock when a batch
  // starts; this thread can wait for it without freezing anyone.
  db.pragma(`busy_timeout=${Math.trunc(data.busyTimeoutMs)}`);
  post({ type: 'ready' });
} catch (e) {
  fingerprintKey.fill(0);
  post({ type: 'open-failed', code: isKeepsakeError(e) ? e.code : 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
} finally {
  data.indexKey.fill(0);
}

let pending: RecordItem[] = [];

function store(id: number, now: number): void {
  const batch = pending;
  pending = [];
  try {
    const ctx: RecordContext = { db: db!, keys: { fingerprint: fingerprintKey }, now: () => now };
    const results = putRecords(ctx, batch);
    const statuses = new Uint8Array(results.length);
    const versions = new Uint32Array(results.length);
    results.forEach((r, i) => {
      statuses[i] = STATUS_CODES.indexOf(r.status as (typeof STATUS_CODES)[number]);
      versions[i] = r.version;
    });
    // Ids are hex (or '' for a tombstoned record): a comma never occurs in one.
    post({ type: 'stored', id, ids: results.map((r) => r.id).join(','), statuses, versions });
  } catch (e) {
    post({ type: 'failed', id, error: asWorkerError(e) });
  }
}

function asWorkerError(e: unknown): WorkerError {
  if (isKeepsakeError(e)) return { kind: 'keepsake', code: e.code, message: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'other', name: err.name, message: err.message, code: String((err as { code?: unknown }).code ?? '') };
}

if (db) {
  port.on('message', (m: ToStorageWorker) => {
    if (m.type === 'slice') pending.push(...m.items);
    else if (m.type === 'put') store(m.id, m.now);
    else {
      pending = [];
      try {
        db?.close();
      } finally {
        db = null;
        fingerprintKey.fill(0);
        port.close();
      }
    }
  });
}
