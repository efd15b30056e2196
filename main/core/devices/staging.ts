// Resumable upload staging: bytes of a file still arriving from a phone, kept on disk
// encrypted (AES-256-CTR, a key per upload derived with HKDF from the staging key) so a
// half-sent photo never sits in plaintext outside the vault. CTR allows writing at any
// offset, which is what resuming needs; integrity comes from the SHA-256 the device
// declared in its manifest, checked over the whole plaintext before the vault sees it.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, rm, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { KeepsakeError } from '../../../common/errors';

const BLOCK = 16;

export class UploadStaging {
  constructor(
    private readonly dir: string,
    private readonly stagingKey: Buffer,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  newName(): string {
    return randomBytes(16).toString('hex');
  }

  private path(name: string): string {
    if (!/^[0-9a-f]{32}$/.test(name)) throw new KeepsakeError('INTERNAL', 'Bad staging file name.');
    return join(this.dir, name);
  }

  private cipherAt(name: string, offset: number, decrypt: boolean) {
    const key = Buffer.from(hkdfSync('sha256', this.stagingKey, Buffer.alloc(0), Buffer.from(`keepsake/device-staging/${name}`), 32));
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(BigInt(Math.floor(offset / BLOCK)), 8);
    const c = decrypt ? createDecipheriv('aes-256-ctr', key, iv) : createCipheriv('aes-256-ctr', key, iv);
    const skip = offset % BLOCK;
    if (skip) c.update(Buffer.alloc(skip)); // advance inside the first block
    return c;
  }

  /**
   * Opens a writer positioned at `offset`. write() encrypts and writes in order; close()
   * syncs and returns how many bytes landed, so an upload cut mid-range still counts
   * what arrived.
   */
  writer(name: string, offset: number): { write(chunk: Buffer): void; close(): number } {
    const fd = openSync(this.path(name), 'a+', 0o600);
    // 'a+' would append; reopen for positioned writes without truncating.
    closeSync(fd);
    const wfd = openSync(this.path(name), 'r+');
    const cipher = this.cipherAt(name, offset, false);
    let pos = offset;
    let closed = false;
    return {
      write(chunk: Buffer) {
        const enc = cipher.update(chunk);
        let done = 0;
        while (done < enc.length) done += writeSync(wfd, enc, done, enc.length - done, pos + done);
        pos += enc.length;
      },
      close() {
        // No fsync on purpose: staging only saves re-sending after a cut. If a power loss
        // leaves fewer bytes than the recorded count, the SHA-256 check at commit fails
        // and the item is uploaded again; nothing is ever acknowledged from staging.
        if (!closed) {
          closed = true;
          closeSync(wfd);
        }
        return pos - offset;
      },
    };
  }

  /** Streams the plaintext of the first `size` bytes. */
  reader(name: string, size: number): Readable {
    const path = this.path(name);
    const cipher = this.cipherAt(name, 0, true);
    let fd: number | null = null;
    let pos = 0;
    return new Readable({
      highWaterMark: 1 << 20,
      read() {
        try {
          fd ??= openSync(path, 'r');
          if (pos >= size) {
            this.push(null);
            return;
          }
          const buf = Buffer.allocUnsafe(Math.min(1 << 20, size - pos));
          const n = readSync(fd, buf, 0, buf.length, pos);
          if (n === 0) throw new KeepsakeError('CORRUPT', 'A staged upload is shorter than expected.');
          pos += n;
          this.push(cipher.update(buf.subarray(0, n)));
        } catch (e) {
          this.destroy(e as Error);
        }
      },
      destroy(err, cb) {
        if (fd !== null) closeSync(fd);
        fd = null;
        cb(err);
      },
    });
  }

  /** SHA-256 (hex) of the staged plaintext. */
  async hash(name: string, size: number): Promise<string> {
    const h = createHash('sha256');
    for await (const chunk of this.reader(name, size)) h.update(chunk as Buffer);
    return h.digest('hex');
  }

  /** Deletes staging files no upload refers to (left by a crash between steps). */
  sweep(live: Set<string>): number {
    let n = 0;
    for (const f of readdirSync(this.dir)) {
      if (/^[0-9a-f]{32}$/.test(f) && !live.has(f)) {
        rmSync(join(this.dir, f), { force: true });
        n += 1;
      }
    }
    return n;
  }

  remove(name: string): void {
    rmSync(this.path(name), { force: true });
  }

  /**
   * Removes a staging file off the event loop (after a commit: the vault holds the bytes).
   * A failure leaves an orphan that sweep() removes at the next start.
   */
  removeSoon(name: string): void {
    rm(this.path(name), { force: true }, () => undefined);
  }

  syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
