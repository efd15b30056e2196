// Messages between the host thread (storage-worker.ts) and the storage worker
// (storage-worker-thread.ts). A batch travels in slices (each a short structured clone on
// the host's event loop), then one `put` starts its transaction; the answer comes back
// packed (ids in one string, statuses and versions in typed arrays) because 25,000 small
// result objects cost more to clone than to rebuild.
import type { ErrorCode } from '../../../common/errors';
import type { RecordItem } from './record-store';

/** What the worker is started with (workerData). Both keys are copies it wipes. */
export interface StorageWorkerData {
  indexPath: string;
  /** The index-db purpose key (32 bytes). Wiped once the connection is open. */
  indexKey: Uint8Array;
  /** The fingerprint key (32 bytes). Wiped when the worker closes. */
  fingerprintKey: Uint8Array;
  /** busy_timeout of the worker's connection, in ms. */
  busyTimeoutMs: number;
}

export type ToStorageWorker =
  | { type: 'slice'; items: RecordItem[] }
  | { type: 'put'; id: number; now: number }
  | { type: 'close' };

/** A status as one byte: index into STATUS_CODES. */
export const STATUS_CODES = ['added', 'updated', 'duplicate', 'tombstoned'] as const;

export type FromStorageWorker =
  | { type: 'ready' }
  | { type: 'open-failed'; code: string; message: string }
  | { type: 'stored'; id: number; ids: string; statuses: Uint8Array; versions: Uint32Array }
  | { type: 'failed'; id: number; error: WorkerError };

/** An error thrown by putRecords in the worker, carried as data and rebuilt on the host. */
export type WorkerError =
  | { kind: 'keepsake'; code: ErrorCode; message: string }
  /** SQLite and other errors: the host maps `code` as dbError() does on this thread. */
  | { kind: 'other'; name: string; message: string; code: string };
