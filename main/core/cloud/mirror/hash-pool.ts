// Hashes pack files for upload (SHA-256 for the manifest, MD5 for S3's Content-MD5 and
// ETag check) on worker threads. Hashing a gigabyte twice is seconds of CPU; done on the
// main thread it blocked the event loop ~25 ms per pack, during which none of the uploads
// in flight could write to their sockets. Only the hashes come back: the upload then
// streams the file from disk (measured on s3rver: a 13 MB Buffer body per PUT took
// 1.3-2x as long as a file stream, and big buffers cost the main thread GC). The file is
// read twice (the second time from the page cache); packs never change once written,
// and if one did, the server's MD5 would not match and the object would be sent again.
// Like the vault's seal pool, the worker is inline code (eval) needing only node:fs and
// node:crypto: no loader and no extra file in the Electron bundle. If a worker cannot
// start or dies, the file is read and hashed on the main thread instead — slower, same
// result.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KeepsakeError } from '../../../../common/errors';
import { digestsOf, type Digests } from '../hashing';


const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, fstatSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
parentPort.on('message', (m) => {
  let fd = -1;
  try {
    fd = openSync(m.path, 'r');
    const size = fstatSync(fd).size;
    const sha = createHash('sha256');
    const md = m.md5 ? createHash('md5') : null;
    const buf = Buffer.allocUnsafe(Math.min(size, 1 << 20) || 1);
    let off = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, off);
      if (n === 0) break;
      sha.update(buf.subarray(0, n));
      if (md) md.update(buf.subarray(0, n));
      off += n;
    }
    parentPort.postMessage({ id: m.id, ok: true, size: off, sha256: sha.digest('hex'), md5: md ? md.digest('hex') : '' });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, code: (e && e.code) || 'EIO', message: String((e && e.message) || e) });
  } finally {
    if (fd >= 0) closeSync(fd);
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  size?: number;
  sha256?: string;
  md5?: string;
  code?: string;
  message?: string;
}

interface Pending {
  path: string;
  md5: boolean;
  resolve: (r: Digests) => void;
  reject: (e: unknown) => void;
}

export class HashPool {
  private readonly workers: Array<{ worker: Worker; busy: Map<number, Pending> }> = [];
  private nextId = 0;
  private turn = 0;
  private closed = false;

  /** `threads` 0 reads and hashes on the main thread (tests; machines without workers). */
  constructor(threads = Math.min(2, availableParallelism())) {
    for (let i = 0; i < threads; i++) this.spawn();
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true });
    } catch {
      return;
    }
    worker.unref();
    const slot = { worker, busy: new Map<number, Pending>() };
    worker.on('message', (r: Reply) => {
      const p = slot.busy.get(r.id);
      if (!p) return;
      slot.busy.delete(r.id);
      if (r.ok && r.size !== undefined && r.sha256 && r.md5 !== undefined) {
        p.resolve({ size: r.size, sha256: r.sha256, md5: r.md5 });
      } else {
        p.reject(readError(r.code ?? 'EIO', r.message ?? 'unknown error'));
      }
    });
    // A dead worker is dropped; what it held is done on the main thread.
    const drop = (): void => {
      const i = this.workers.indexOf(slot);
      if (i >= 0) this.workers.splice(i, 1);
      // After close() nobody waits for these any more (a sync that stopped early): drop them.
      for (const p of slot.busy.values()) {
        if (this.closed) p.reject(new KeepsakeError('CANCELLED', 'The upload reader was closed.'));
        else hashOnMainThread(p.path, p.md5).then(p.resolve, p.reject);
      }
      slot.busy.clear();
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    this.workers.push(slot);
  }

  /**
   * The file's size, SHA-256 and MD5. `md5: false` leaves MD5 out (md5 is then ''): only
   * S3 uses it, and at ~0.7 GB/s it costs twice the SHA-256 (SHA-NI, ~1.5 GB/s).
   */
  hash(path: string, opts: { md5?: boolean } = {}): Promise<Digests> {
    const md5 = opts.md5 !== false;
    if (this.closed) return Promise.reject(new KeepsakeError('INTERNAL', 'The upload reader was already closed.'));
    if (this.workers.length === 0) return hashOnMainThread(path, md5);
    // Least busy worker (ties: round robin), so one slow read does not queue the rest.
    const start = this.turn++ % this.workers.length;
    let slot = this.workers[start]!;
    for (const w of this.workers) if (w.busy.size < slot.busy.size) slot = w;
    const id = this.nextId++;
    return new Promise<Digests>((resolve, reject) => {
      slot.busy.set(id, { path, md5, resolve, reject });
      slot.worker.postMessage({ id, path, md5 });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.workers.splice(0);
    await Promise.all(all.map((w) => w.worker.terminate()));
  }
}

async function hashOnMainThread(path: string, md5: boolean): Promise<Digests> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw readError(err.code ?? 'EIO', err.message);
  }
  return md5 ? digestsOf(data) : { size: data.length, sha256: createHash('sha256').update(data).digest('hex'), md5: '' };
}

function readError(code: string, detail: string): KeepsakeError {
  if (code === 'ENOENT') return new KeepsakeError('NOT_FOUND', 'A pack file disappeared from the vault while it was being uploaded.', { cause: code });
  return new KeepsakeError('IO', `Could not read a pack file for upload (${code}).`, { cause: code, detail: detail.slice(0, 200) });
}
