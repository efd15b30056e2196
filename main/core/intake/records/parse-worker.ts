// Runs a streaming importer (SMS Backup & Restore XML) on a worker thread, so parsing a
// large file overlaps with storing what was already parsed: this thread reads the bytes
// and hands them over, the worker parses and sends items back in batches, and this thread
// stores them. Memory stays bounded on both sides: at most MAX_BYTES_IN_FLIGHT bytes are
// sent ahead of what the worker has consumed, and no more bytes are sent while
// MAX_ITEMS_WAITING parsed items wait here. Pause and cancel act here (between batches),
// and the worker simply stops receiving bytes. The importer is the same code either way:
// where a worker cannot start (no tsx loader in a bundled build, no worker threads), the
// file is parsed on this thread instead, with the same items, refusals and notes.
import { Worker } from 'node:worker_threads';
import { KeepsakeError } from '../../../../common/errors';
import type { ImportContext, ImportInput, Importer, ParsedItem } from '../types';
import type { FromWorker, ToWorker, WorkerImporterName } from './parse-worker-protocol';
import { importSmsXml } from './sms-xml';

/** Bytes sent to the worker ahead of what it has parsed (2 MB ≈ 7,000 typical SMS). */
export const MAX_BYTES_IN_FLIGHT = 2 * 1024 * 1024;
/** Parsed items waiting to be taken by the import job before no more bytes are sent. */
export const MAX_ITEMS_WAITING = 20_000;
/** Items per message from the worker. */
const BATCH_ITEMS = 2000;

/** Inputs at least this big are parsed on a worker (starting one costs 0.2–1 s: tsx loads the parser). */
export const WORKER_MIN_BYTES = 16 * 1024 * 1024;

/** The SMS Backup & Restore importer the registry uses: on a worker for large files. */
export const importSmsXmlStreaming: Importer = (input, ctx) => (input.size >= WORKER_MIN_BYTES ? parseInWorker('sms-xml', importSmsXml, input, ctx) : importSmsXml(input, ctx));

export interface WorkerOptions {
  /** Tests: start the worker from another entry (e.g. one that fails to load). */
  entry?: URL;
}

/**
 * Streams the items of `input` parsed by `name` on a worker thread; falls back to `inline`
 * (the same importer on this thread) when the worker cannot start.
 */
export async function* parseInWorker(name: WorkerImporterName, inline: Importer, input: ImportInput, ctx: ImportContext, options: WorkerOptions = {}): AsyncGenerator<ParsedItem> {
  const session = await startWorker(name, input, options.entry ?? new URL('./parse-worker-entry.mjs', import.meta.url));
  if (!session) {
    yield* inline(input, ctx);
    return;
  }
  try {
    yield* session.run(ctx);
  } finally {
    session.stop();
  }
}

interface Session {
  run(ctx: ImportContext): AsyncGenerator<ParsedItem>;
  stop(): void;
}

/** Starts the worker and waits until its importer has loaded; null if it cannot. */
async function startWorker(name: WorkerImporterName, input: ImportInput, entry: URL): Promise<Session | null> {
  let worker: Worker;
  try {
    worker = new Worker(entry, { workerData: { importer: name, size: input.size, path: input.path, batchItems: BATCH_ITEMS } });
  } catch {
    return null;
  }
  const inbox: FromWorker[] = [];
  const queued = { items: 0 };
  let wake: (() => void) | null = null;
  let exited = false;
  const arrive = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'batch') queued.items += m.items.length;
    inbox.push(m);
    arrive();
  });
  worker.on('error', () => {
    inbox.push({ type: 'crashed', name: 'WorkerError' });
    arrive();
  });
  worker.on('exit', () => {
    exited = true;
    arrive();
  });
  const next = async (): Promise<FromWorker | null> => {
    for (;;) {
      const m = inbox.shift();
      if (m) return m;
      if (exited) return null;
      await new Promise<void>((r) => (wake = r));
    }
  };
  const first = await next();
  if (first?.type !== 'ready') {
    void worker.terminate();
    return null;
  }
  const stop = () => void worker.terminate();
  return { stop, run: (ctx) => relay(worker, input, ctx, next, queued) };
}

async function* relay(worker: Worker, input: ImportInput, ctx: ImportContext, next: () => Promise<FromWorker | null>, queued: { items: number }): AsyncGenerator<ParsedItem> {
  const source = input.open()[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let sent = 0;
  let consumed = 0;
  let sourceDone = false;
  // Sends bytes while the worker is not too far ahead of the file and we are not too far
  // behind the worker. Each chunk is copied once into its own buffer and transferred.
  const feed = async () => {
    while (!sourceDone && sent - consumed < MAX_BYTES_IN_FLIGHT && queued.items < MAX_ITEMS_WAITING) {
      const r = await source.next();
      if (r.done) {
        sourceDone = true;
        worker.postMessage({ type: 'end' } satisfies ToWorker);
        break;
      }
      const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      const data = new Uint8Array(chunk.length);
      data.set(chunk);
      sent += data.length;
      worker.postMessage({ type: 'chunk', data } satisfies ToWorker, [data.buffer]);
    }
  };
  try {
    await feed();
    for (;;) {
      const m = await next();
      if (m === null) throw new KeepsakeError('INTERNAL', 'The parser stopped without finishing the file.');
      if (m.type === 'batch') {
        consumed = m.bytes;
        for (const r of m.refusals) ctx.refuse(r.position, r.reason);
        for (const n of m.notes) (ctx.note ?? ((msg: string) => ctx.refuse('root count attribute', msg)))(n);
        ctx.report({ bytes: m.bytes, items: m.found });
        for (const item of m.items) {
          for (const f of item.files ?? []) {
            // Buffers arrive as plain Uint8Arrays: make them Buffers again (no copy).
            const d = f.data as unknown;
            if (d instanceof Uint8Array && !Buffer.isBuffer(d)) f.data = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
          }
          queued.items--;
          yield item;
        }
        await ctx.checkpoint();
        await feed();
      } else if (m.type === 'done') {
        return;
      } else if (m.type === 'failed') {
        throw new KeepsakeError(m.code, m.message);
      } else if (m.type === 'crashed') {
        throw new Error(`The parser failed on its worker thread (${m.name}).`);
      }
    }
  } finally {
    await source.return?.();
  }
}
