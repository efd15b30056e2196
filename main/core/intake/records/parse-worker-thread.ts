// The worker side of parse-worker.ts: runs one importer over bytes the parent sends and
// posts the items back in batches. The parent keeps the bytes in flight and the batches
// waiting bounded, so a multi-GB file never piles up in either thread. Refusals and notes
// travel with the batch they belong to; a KeepsakeError ends the stream as data (code and
// message), anything else as an internal error the parent reports as a bug.
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { isKeepsakeError } from '../../../../common/errors';
import type { ImportContext, ParsedItem } from '../types';
import { importSmsXml } from './sms-xml';
import type { FromWorker, ToWorker, WorkerImporterName } from './parse-worker-protocol';

const IMPORTERS = { 'sms-xml': importSmsXml } satisfies Record<WorkerImporterName, unknown>;

const port = parentPort!;
const { importer: name, size, path, batchItems } = workerData as { importer: WorkerImporterName; size: number; path: string; batchItems: number };

// Bytes from the parent, consumed by the importer's stream.
const chunks: Uint8Array[] = [];
let ended = false;
let wake: (() => void) | null = null;
port.on('message', (m: ToWorker) => {
  if (m.type === 'chunk') chunks.push(m.data);
  else ended = true;
  wake?.();
  wake = null;
});

async function* bytes(): AsyncGenerator<Buffer> {
  for (;;) {
    const c = chunks.shift();
    if (c) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    else if (ended) return;
    else {
      // Out of bytes: hand over what is parsed (and how far we got), so the parent, which
      // sends more only as we consume, never waits on a batch we are still filling.
      if (items.length || refusals.length || notes.length || consumed > reported) flush();
      await new Promise<void>((r) => (wake = r));
    }
  }
}

let items: ParsedItem[] = [];
let refusals: Array<{ position: string; reason: string }> = [];
let notes: string[] = [];
let consumed = 0;
let reported = 0;
let found = 0;
const post = (m: FromWorker) => port.postMessage(m);
const flush = () => {
  post({ type: 'batch', items, refusals, notes, bytes: consumed, found });
  reported = consumed;
  items = [];
  refusals = [];
  notes = [];
};
const ctx: ImportContext = {
  report(p) {
    if (p.bytes !== undefined) consumed = p.bytes;
    if (p.items !== undefined) found = p.items;
  },
  async checkpoint() {
    // Pause and cancel happen in the parent, which simply stops sending bytes.
  },
  refuse(position, reason) {
    refusals.push({ position, reason });
  },
  note(message) {
    notes.push(message);
  },
};

post({ type: 'ready' });
try {
  for await (const item of IMPORTERS[name]({ path, size, open: () => Readable.from(bytes()) }, ctx)) {
    items.push(item);
    if (items.length >= batchItems) flush();
  }
  flush();
  post({ type: 'done' });
} catch (e) {
  flush();
  post(isKeepsakeError(e) ? { type: 'failed', code: e.code, message: e.message } : { type: 'crashed', name: e instanceof Error ? e.name : 'unknown' });
}
