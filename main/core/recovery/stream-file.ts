// One bundle file written as a stream, for the standard-format files that grow with the
// vault (sms.xml, calls.xml, contacts.vcf, calendar.ics, mail.mbox): entries are appended
// one at a time, gathered into 64 KB writes that wait while the disk is behind
// (back-pressure), hashed and counted as written. Durability as for every bundle file: a
// hidden temporary beside the target (0600, sweepTemporaries removes it after a crash),
// fsynced, renamed into place, the folder fsynced. A head that depends on what was written
// (the `count` attribute of SMS Backup & Restore XML) is written first from a COUNT query;
// if the vault changed meanwhile, `close({ head })` rewrites the head by copying the body
// once more — the format keeps its exact bytes, with no fixed-width placeholder.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { KeepsakeError } from '../../../common/errors';
import { streamAtomic, syncDir, TMP_SUFFIX, writeError } from './atomic';

/** Bytes gathered before a write: few syscalls, bounded memory. */
const FLUSH_AT = 64 * 1024;

/** Words a failed write of `path` for the person (disk full, no permission, …). */
export type ErrorOf = (e: unknown, path: string) => KeepsakeError;

export interface Written {
  sha256: string;
  size: number;
}

export class StreamFile {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed: Error | null = null;
  private readonly hash = createHash('sha256');
  private size = 0;
  private headBytes = -1;

  private constructor(
    private readonly path: string,
    private readonly tmp: string,
    private readonly out: WriteStream,
    private readonly writeError: ErrorOf,
  ) {
    out.on('error', (e) => (this.failed ??= e));
  }

  /**
   * Starts the file at `path` (its folder is created); nothing appears under that name
   * until `close`. `errorOf` words a write failure for the caller's job (a restore
   * resumes; a privacy report is simply run again).
   */
  static async open(path: string, errorOf: ErrorOf = writeError): Promise<StreamFile> {
    // Not the name streamAtomic uses, so a head rewrite can stream from this one into that one.
    const tmp = join(dirname(path), `.${basename(path)}.body${TMP_SUFFIX}`);
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw errorOf(e, path);
    }
    return new StreamFile(path, tmp, createWriteStream(tmp, { mode: 0o600 }), errorOf);
  }

  /** Writes the head: what `close({ head })` may later replace. Must come first. */
  async head(text: string): Promise<void> {
    if (this.size + this.pendingBytes > 0) throw new Error('StreamFile: the head must be written first');
    const b = Buffer.from(text, 'utf8');
    await this.write(b);
    this.headBytes = b.length;
  }

  /** Appends text (UTF-8) or bytes; waits when the disk is behind. */
  async write(data: string | Buffer): Promise<void> {
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (b.length === 0) return;
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= FLUSH_AT) await this.flush();
  }

  /**
   * Ends the file, makes it durable and moves it into place: its hash and size. With
   * `head`, the head written first is replaced by this text (the body copied after it).
   */
  async close(opts: { head?: string } = {}): Promise<Written> {
    let result: Written;
    try {
      await this.flush();
      this.out.end();
      await once(this.out, 'close');
      if (this.failed) throw this.failed;
      if (opts.head !== undefined) {
        if (this.headBytes < 0) throw new Error('StreamFile: no head to replace');
        const body = createReadStream(this.tmp, { start: this.headBytes });
        result = await streamAtomic(this.path, Readable.from(withHead(Buffer.from(opts.head, 'utf8'), body)));
        await rm(this.tmp, { force: true });
        return result;
      }
      const h = await open(this.tmp, 'r+');
      try {
        await h.sync();
      } finally {
        await h.close();
      }
      await rename(this.tmp, this.path);
      await syncDir(dirname(this.path));
      result = { sha256: this.hash.digest('hex'), size: this.size };
    } catch (e) {
      await this.abort();
      throw e instanceof KeepsakeError ? e : this.writeError(e, this.path);
    }
    return result;
  }

  /** Gives up: the temporary is removed, nothing sits under the final name. */
  async abort(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    if (!this.out.closed) {
      this.out.destroy();
      await once(this.out, 'close').catch(() => undefined);
    }
    await rm(this.tmp, { force: true });
  }

  /** Hands the gathered bytes to the file, waiting while the disk is behind (back-pressure). */
  private async flush(): Promise<void> {
    if (this.failed) throw this.writeError(this.failed, this.path);
    if (this.pendingBytes === 0) return;
    const bytes = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(bytes);
    this.size += bytes.length;
    if (!this.out.write(bytes)) {
      await drained(this.out);
      if (this.failed) throw this.writeError(this.failed, this.path);
    }
  }
}

async function* withHead(head: Buffer, body: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  yield head;
  for await (const c of body) yield c as Buffer;
}

/** Until the stream takes more (or closes on an error), without leaving listeners behind. */
export function drained(out: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
