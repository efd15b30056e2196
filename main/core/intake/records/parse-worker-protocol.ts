// Messages between parse-worker.ts (parent) and parse-worker-thread.ts (worker).
import type { ErrorCode } from '../../../../common/errors';
import type { ParsedItem } from '../types';

/** Importers that can run on a worker thread (their input is a byte stream, their output plain data). */
export type WorkerImporterName = 'sms-xml';

export type ToWorker = { type: 'chunk'; data: Uint8Array } | { type: 'end' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; items: ParsedItem[]; refusals: Array<{ position: string; reason: string }>; notes: string[]; bytes: number; found: number }
  | { type: 'done' }
  | { type: 'failed'; code: ErrorCode; message: string }
  | { type: 'crashed'; name: string };
