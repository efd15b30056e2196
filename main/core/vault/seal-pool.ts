// A small pool of worker threads that turn whole large files into sealed chunks: each
// worker reads its file, finds the content-defined cut points (the same cutPoint the
// main thread uses, embedded as source text), computes the keyed chunk id (HMAC-SHA256)
// and seals the chunk (AES-256-GCM, random nonce, (id, item, type) as associated data).
// Two files are worked on at once, one per core, and the main thread only places the
// sealed chunks into packs and writes the index — before this, it read and cut every
// byte itself and was the limit of a backup of photos and videos.
// The worker is inline code (eval) that needs only node:fs and node:crypto: no loader,
// no extra file to ship in the Electron bundle. If workers cannot start, the caller
// seals on the main thread instead. Flow control: a worker may have CREDITS chunks
// waiting for the main thread, then waits for acknowledgements, so memory stays bounded
// however slow the disk is.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KeepsakeError } from '../../../common/errors';
import { cutPoint, type CutParams } from './chunker';

/** Sealed chunks a worker may have outstanding per file before it waits. */
const CREDITS = 2;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHmac, createCipheriv, randomBytes } = require('node:crypto');
const cutPoint = ${cutPoint.toString()};
let job = null;
let windowBuf = null;
const queue = [];
parentPort.on('message', (m) => {
  if (m.type === 'ack' || m.type === 'cancel') {
    if (!job || job.id !== m.job) return;
    if (m.type === 'ack') job.credits += 1;
    else job.cancelled = true;
    if (job.wake) { const w = job.wake; job.wake = null; w(); }
    return;
  }
  queue.push(m);
  if (!job) next();
});
function next() {
  const m = queue.shift();
  if (!m) return;
  job = { id: m.job, credits: m.credits, cancelled: false, wake: null };
  run(m, job).catch((e) => parentPort.postMessage({ type: 'error', job: m.job, code: (e && e.code) || 'EIO', message: String((e && e.message) || e) }))
    .finally(() => { job = null; next(); });
}
function sealOne(m, plain) {
  const id = createHmac('sha256', m.macKey).update(plain).digest();
  const item = Buffer.from(m.itemId, 'utf8');
  const aad = Buffer.concat([id, Buffer.from([item.length]), item, Buffer.from([1])]);
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', m.key, nonce);
  c.setAAD(aad);
  const out = c.update(plain);
  c.final();
  // the ciphertext is sent as it is (transferred, not copied) when it owns its memory
  const body = out.byteOffset === 0 && out.buffer.byteLength === out.length ? new Uint8Array(out.buffer) : new Uint8Array(out);
  return { id: new Uint8Array(id), nonce: new Uint8Array(nonce), body, tag: new Uint8Array(c.getAuthTag()) };
}
async function run(m, j) {
  const p = m.cut;
  const fd = openSync(m.path, 'r');
  try {
    // one window per worker, reused for every file (a fresh one per file left many MiB for the GC)
    if (!windowBuf || windowBuf.length < p.maxSize + (1 << 20)) windowBuf = Buffer.allocUnsafe(p.maxSize + (1 << 20));
    const buf = windowBuf;
    let start = 0, end = 0, eof = false, size = 0, seals = 0;
    for (;;) {
      if (!eof) {
        if (buf.length - end < (1 << 20)) { buf.copy(buf, 0, start, end); end -= start; start = 0; }
        const n = readSync(fd, buf, end, buf.length - end, null);
        if (n === 0) eof = true;
        end += n;
      }
      while (end > start) {
        const len = cutPoint(buf.subarray(start, end), eof, p.gear, p.maskS, p.maskL, p.minSize, p.avgSize, p.maxSize);
        if (len === 0) break;
        if (++seals > m.maxSeals) {
          parentPort.postMessage({ type: 'error', job: m.job, code: 'BUDGET', message: 'nonce budget' });
          return;
        }
        const s = sealOne(m, buf.subarray(start, start + len));
        while (j.credits <= 0 && !j.cancelled) await new Promise((r) => { j.wake = r; });
        if (j.cancelled) return;
        j.credits -= 1;
        parentPort.postMessage({ type: 'chunk', job: m.job, id: s.id, nonce: s.nonce, body: s.body, tag: s.tag, plain: len }, [s.body.buffer]);
        start += len;
        size += len;
      }
      if (eof) break;
    }
    parentPort.postMessage({ type: 'done', job: m.job, size });
  } finally {
    closeSync(fd);
  }
}
`;

export interface SealedChunk {
  id: Buffer;
  /** The sealed chunk in its three parts: nonce, ciphertext, tag (written in this order). */
  parts: [Buffer, Buffer, Buffer];
  plain: number;
}

export interface FileJob {
  path: string;
  key: Buffer;
  macKey: Buffer;
  itemId: string;
  cut: CutParams;
  /** Encryptions the item key may still make (its nonce budget): the worker stops beyond. */
  maxSeals: number;
}

type Msg =
  | { type: 'chunk'; job: number; id: Uint8Array; nonce: Uint8Array; body: Uint8Array; tag: Uint8Array; plain: number }
  | { type: 'done'; job: number; size: number }
  | { type: 'error'; job: number; code: string; message: string };

interface Running {
  worker: Worker;
  inbox: Msg[];
  wake: (() => void) | null;
}

export class SealPool {
  private readonly workers: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private readonly idle: Array<(w: Worker) => void> = [];
  private readonly jobs = new Map<number, Running>();
  private seq = 0;
  private failed: Error | null = null;

  /** One worker per core, up to two (the main thread's own share of the work is small). */
  constructor(size = Math.max(1, Math.min(2, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      w.on('message', (m: Msg) => {
        const r = this.jobs.get(m.job);
        if (!r) return;
        r.inbox.push(m);
        const wake = r.wake;
        r.wake = null;
        wake?.();
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`seal worker exited with ${code}`));
      });
      this.workers.push(w);
    }
  }

  /**
   * Chunks, MACs and seals one file on a worker; yields its sealed chunks in file order
   * and returns the file's size. Breaking out of the loop cancels the job.
   */
  async *sealFile(job: FileJob): AsyncGenerator<SealedChunk, number> {
    if (this.failed) throw this.failed;
    const worker = await this.acquire();
    if (this.failed) {
      this.release(worker);
      throw this.failed;
    }
    const id = this.seq++;
    const running: Running = { worker, inbox: [], wake: null };
    this.jobs.set(id, running);
    let finished = false;
    try {
      // exact-size copies of the keys: a Buffer view may sit in a shared pool that must not be cloned
      worker.postMessage({ type: 'job', job: id, path: job.path, key: new Uint8Array(job.key), macKey: new Uint8Array(job.macKey), itemId: job.itemId, cut: job.cut, maxSeals: job.maxSeals, credits: CREDITS });
      for (;;) {
        if (this.failed) throw this.failed;
        const m = running.inbox.shift();
        if (!m) {
          await new Promise<void>((resolve) => {
            running.wake = resolve;
          });
          continue;
        }
        if (m.type === 'done') {
          finished = true;
          return m.size;
        }
        if (m.type === 'error') {
          finished = true;
          if (m.code === 'BUDGET') throw new KeepsakeError('FORBIDDEN', 'This key has reached its safe number of encryptions; the item must be re-keyed before more data is added.');
          throw Object.assign(new Error(m.message), { code: m.code });
        }
        worker.postMessage({ type: 'ack', job: id });
        const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
        yield { id: buf(m.id), parts: [buf(m.nonce), buf(m.body), buf(m.tag)], plain: m.plain };
      }
    } finally {
      if (!finished && !this.failed) worker.postMessage({ type: 'cancel', job: id });
      this.jobs.delete(id);
      this.release(worker);
    }
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }

  private acquire(): Promise<Worker> {
    const free = this.workers.find((w) => !this.busy.has(w));
    if (free) {
      this.busy.add(free);
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private release(w: Worker): void {
    const next = this.idle.shift();
    if (next) next(w); // stays busy: handed straight to the next file
    else this.busy.delete(w);
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const r of this.jobs.values()) {
      const wake = r.wake;
      r.wake = null;
      wake?.();
    }
  }
}
