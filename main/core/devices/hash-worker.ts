// SHA-256 of whole uploaded files on a worker thread, so the gateway's event loop does not
// spend ~1.5 ms per MiB hashing while other phones' bytes wait. [Note: Hash worker] A file
// held in memory is received into a buffer backed by a SharedArrayBuffer (alloc() below):
// the worker reads those bytes where they are, nothing is copied or transferred, and the
// gateway keeps using the buffer. The digest is started the moment a file is complete
// and awaited by its commit, which still refuses a file whose bytes do not match the
// manifest. If the worker cannot start or dies, every waiting digest (and every later
// one) is computed on the calling thread instead: slower, never wrong.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * Below this a round trip to the worker costs more than hashing here. Measured in the
 * gateway (session 6, /proc/thread-self/schedstat around the post): posting a shared
 * buffer costs the event loop ~0.25 ms of CPU for a screenshot-sized file, while SHA-256
 * here runs at ~1.4 GB/s (0.17 ms for 230 KiB) — and the worker's own pass is CPU too.
 */
const WORKER_MIN_BYTES = 512 * 1024;

// Inline source (eval): needs only node:crypto, no loader and no extra file to ship.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', (m) => {
  let hex = null;
  let error = null;
  try {
    hex = createHash('sha256').update(new Uint8Array(m.sab, m.offset, m.length)).digest('hex');
  } catch (e) {
    error = String((e && e.message) || e);
  }
  parentPort.postMessage({ id: m.id, hex, error });
});
`;

interface Waiting {
  buf: Buffer;
  resolve: (hex: string) => void;
}

const sha256 = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

export class HashWorker {
  private worker: Worker | null = null;
  /** Set once the worker failed or the service closed: hash on the calling thread from then on. */
  private inline = false;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();

  /** A zero-filled buffer the worker can read in place (its memory is shared with the worker). */
  static alloc(size: number): Buffer {
    return Buffer.from(new SharedArrayBuffer(size));
  }

  /** Lower-case hex SHA-256 of `buf`, on the worker when `buf` came from alloc(). Do not modify `buf` until it resolves. */
  digest(buf: Buffer): Promise<string> {
    const shared = buf.buffer instanceof SharedArrayBuffer;
    const w = shared && buf.length >= WORKER_MIN_BYTES ? this.start() : null;
    if (!w) return Promise.resolve(sha256(buf));
    const id = ++this.seq;
    return new Promise<string>((resolve) => {
      this.waiting.set(id, { buf, resolve });
      if (this.waiting.size === 1) w.ref(); // pending work keeps the process alive; idle, it does not
      w.postMessage({ id, sab: buf.buffer, offset: buf.byteOffset, length: buf.length });
    });
  }

  /** Starts the worker ahead of the first digest (its start costs the event loop ~30 ms). */
  warm(): void {
    this.start();
  }

  /** Stops the worker; digests still waiting are finished on this thread. */
  close(): void {
    this.inline = true;
    this.stopWorker();
  }

  private start(): Worker | null {
    if (this.inline) return null;
    if (this.worker) return this.worker;
    try {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.on('message', (m: { id: number; hex: string | null; error: string | null }) => this.settle(m));
      w.on('error', () => this.fail());
      w.on('exit', () => this.fail());
      w.unref();
      this.worker = w;
      return w;
    } catch {
      this.inline = true;
      return null;
    }
  }

  private settle(m: { id: number; hex: string | null }): void {
    const job = this.waiting.get(m.id);
    if (!job) return;
    this.waiting.delete(m.id);
    job.resolve(m.hex ?? sha256(job.buf));
    if (!this.waiting.size) this.worker?.unref();
  }

  /** The worker is gone: hash everything still waiting here, and everything later too. */
  private fail(): void {
    this.inline = true;
    this.stopWorker();
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = null;
    if (w) {
      w.removeAllListeners();
      w.on('error', () => undefined);
      void w.terminate();
    }
    const jobs = [...this.waiting.values()];
    this.waiting.clear();
    for (const job of jobs) job.resolve(sha256(job.buf));
  }
}
