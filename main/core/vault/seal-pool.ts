// A small pool of worker threads that compute chunk ids (HMAC-SHA256) and seal chunks
// (AES-256-GCM) while the main thread reads files and finds chunk boundaries, so a
// backup uses both cores. The worker is inline code (eval) that needs only node:crypto:
// no loader, no extra file to ship in the Electron bundle. If workers cannot start, the
// caller seals on the main thread instead. Used for large files only: for small files
// the message round trip costs more than the crypto.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHmac, createCipheriv, randomBytes } = require('node:crypto');
parentPort.on('message', (m) => {
  const plain = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  const id = createHmac('sha256', Buffer.from(m.macKey)).update(plain).digest();
  const item = Buffer.from(m.itemId, 'utf8');
  const aad = Buffer.concat([id, Buffer.from([item.length]), item, Buffer.from([1])]);
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(m.key), nonce);
  c.setAAD(aad);
  const body = c.update(plain);
  c.final();
  const sealed = Buffer.concat([nonce, body, c.getAuthTag()]);
  const out = new Uint8Array(sealed.length);
  out.set(sealed);
  parentPort.postMessage({ seq: m.seq, id: new Uint8Array(id), sealed: out }, [out.buffer]);
});
`;

export interface Sealed {
  id: Buffer;
  sealed: Buffer;
}

export class SealPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve(s: Sealed): void; reject(e: Error): void }>();
  private seq = 0;
  private next = 0;
  private failed: Error | null = null;

  constructor(size = Math.max(1, Math.min(2, availableParallelism() - 1))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      w.on('message', (m: { seq: number; id: Uint8Array; sealed: Uint8Array }) => {
        const p = this.waiting.get(m.seq);
        this.waiting.delete(m.seq);
        p?.resolve({ id: Buffer.from(m.id.buffer, m.id.byteOffset, m.id.byteLength), sealed: Buffer.from(m.sealed.buffer, m.sealed.byteOffset, m.sealed.byteLength) });
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`seal worker exited with ${code}`));
      });
      this.workers.push(w);
    }
  }

  /** Seals one chunk off the main thread; `data` is transferred (do not reuse it). */
  seal(key: Buffer, macKey: Buffer, itemId: string, data: Uint8Array): Promise<Sealed> {
    if (this.failed) return Promise.reject(this.failed);
    const seq = this.seq++;
    const w = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      // exact-size copies of the keys: a Buffer view may sit in a shared pool that must not be cloned
      w.postMessage({ seq, key: new Uint8Array(key), macKey: new Uint8Array(macKey), itemId, data }, [data.buffer as ArrayBuffer]);
    });
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }

  private fail(e: Error): void {
    this.failed = e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }
}
