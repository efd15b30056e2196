// The index entries of a privacy report, parked on disk while the item pass runs: index.json
// starts with the counts, which are known only once every item is written, so the entries
// wait here (one JSON line each) instead of in memory, then stream into index.json. The
// spool lives in the report's hidden temporary folder, so an interrupted run's spool goes
// with that folder; it never reaches the finished report.
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KeepsakeError } from '../../../common/errors';
import { TMP_SUFFIX } from '../recovery/atomic';
import { drained } from '../recovery/stream-file';

const FLUSH_AT = 64 * 1024;

export class EntrySpool<T> {
  private pending = '';
  private failed: Error | null = null;
  private closed = false;
  count = 0;

  private constructor(
    readonly path: string,
    private readonly out: WriteStream,
  ) {
    out.on('error', (e) => (this.failed ??= e));
  }

  /** A new spool in `root` (the report's temporary folder). */
  static create<T>(root: string): EntrySpool<T> {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const path = join(root, `.index-entries.jsonl${TMP_SUFFIX}`);
    return new EntrySpool<T>(path, createWriteStream(path, { mode: 0o600 }));
  }

  async append(entry: T): Promise<void> {
    this.pending += `${JSON.stringify(entry)}\n`;
    this.count++;
    if (this.pending.length >= FLUSH_AT) await this.flush();
  }

  /** Every entry, in the order appended (closes the writing side first). */
  async *entries(): AsyncGenerator<T> {
    await this.finishWriting();
    const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
    for await (const line of lines) if (line) yield JSON.parse(line) as T;
  }

  async remove(): Promise<void> {
    if (!this.out.closed) {
      this.out.destroy();
      await once(this.out, 'close').catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }

  private async finishWriting(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    this.out.end();
    await once(this.out, 'close');
    if (this.failed) throw spoolError(this.failed);
  }

  private async flush(): Promise<void> {
    if (this.failed) throw spoolError(this.failed);
    if (!this.pending) return;
    const ok = this.out.write(this.pending);
    this.pending = '';
    if (!ok) {
      await drained(this.out);
      if (this.failed) throw spoolError(this.failed);
    }
  }
}

function spoolError(e: unknown): KeepsakeError {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOSPC'
    ? new KeepsakeError('IO', 'The disk is full while writing your data; free some space and try again.')
    : new KeepsakeError('IO', `Writing the index of your data failed (${code ?? 'unknown error'}).`);
}
