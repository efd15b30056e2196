// A pretty-printed JSON document written as a stream: plain properties, then arrays whose
// elements are appended one at a time, so a report with half a million messages never
// builds one string (or one array) of them all — V8 strings stop at ~536 M characters.
// The bytes are exactly what `JSON.stringify(doc, null, 2) + '\n'` gives for the same
// document, so readers see the same format. Written like every bundle file: to a hidden
// temporary beside the target (0600), hashed as it goes, fsynced, renamed into place.
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import { TMP_SUFFIX } from '../recovery/atomic';

/** Bytes gathered before a write: few syscalls, bounded memory. */
const FLUSH_AT = 64 * 1024;

/** One value as it sits at `depth` inside the document (continuation lines indented). */
function nested(value: unknown, depth: number): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined ? undefined : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

export interface StreamedFile {
  sha256: string;
  size: number;
}

export class JsonDocumentStream {
  private pending = '';
  private props = 0;
  /** Elements in the open array, or -1 when no array is open. */
  private elements = -1;
  private failed: Error | null = null;
  private readonly hash = createHash('sha256');
  private size = 0;

  private constructor(
    private readonly path: string,
    private readonly tmp: string,
    private readonly out: WriteStream,
  ) {
    out.on('error', (e) => (this.failed ??= e));
  }

  /** Starts the document at `path` (its folder is created). */
  static async open(path: string): Promise<JsonDocumentStream> {
    const tmp = join(dirname(path), `.${basename(path)}${TMP_SUFFIX}`);
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw writeError(e, path);
    }
    const out = createWriteStream(tmp, { mode: 0o600 });
    const doc = new JsonDocumentStream(path, tmp, out);
    doc.pending = '{';
    return doc;
  }

  /** A plain property (skipped when JSON would skip it, like an undefined value). */
  async field(key: string, value: unknown): Promise<void> {
    if (this.elements >= 0) throw new Error('JsonDocumentStream: a field inside an open array');
    const text = nested(value, 1);
    if (text === undefined) return;
    this.startProp(key);
    this.pending += text;
    await this.maybeFlush();
  }

  /** Opens an array property; `push` appends to it until `endArray`. */
  beginArray(key: string): void {
    if (this.elements >= 0) throw new Error('JsonDocumentStream: an array is already open');
    this.startProp(key);
    this.pending += '[';
    this.elements = 0;
  }

  async push(value: unknown): Promise<void> {
    if (this.elements < 0) throw new Error('JsonDocumentStream: push without an open array');
    this.pending += `${this.elements ? ',' : ''}\n    ${nested(value, 2) ?? 'null'}`;
    this.elements++;
    await this.maybeFlush();
  }

  endArray(): void {
    if (this.elements < 0) throw new Error('JsonDocumentStream: no open array');
    this.pending += this.elements ? '\n  ]' : ']';
    this.elements = -1;
  }

  /** Ends the document, makes it durable and moves it into place: its hash and size. */
  async close(): Promise<StreamedFile> {
    if (this.elements >= 0) this.endArray();
    this.pending += this.props ? '\n}\n' : '}\n';
    try {
      await this.flush();
      this.out.end();
      await once(this.out, 'close');
      if (this.failed) throw this.failed;
      const h = await open(this.tmp, 'r+');
      try {
        await h.sync();
      } finally {
        await h.close();
      }
      await rename(this.tmp, this.path);
    } catch (e) {
      await this.abort();
      throw writeError(e, this.path);
    }
    return { sha256: this.hash.digest('hex'), size: this.size };
  }

  /** Gives up: the temporary is removed, nothing sits under the final name. */
  async abort(): Promise<void> {
    this.pending = '';
    if (!this.out.closed) {
      this.out.destroy();
      await once(this.out, 'close').catch(() => undefined);
    }
    await rm(this.tmp, { force: true });
  }

  private startProp(key: string): void {
    this.pending += `${this.props ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    this.props++;
  }

  private async maybeFlush(): Promise<void> {
    if (this.pending.length >= FLUSH_AT) await this.flush();
  }

  /** Hands the gathered text to the file, waiting while the disk is behind (back-pressure). */
  private async flush(): Promise<void> {
    if (this.failed) throw writeError(this.failed, this.path);
    if (!this.pending) return;
    const bytes = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.hash.update(bytes);
    this.size += bytes.length;
    if (!this.out.write(bytes)) {
      await drained(this.out);
      if (this.failed) throw writeError(this.failed, this.path);
    }
  }
}

function writeError(e: unknown, path: string): KeepsakeError {
  if (e instanceof KeepsakeError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new KeepsakeError('IO', `The disk is full while writing ${path}; free some space and try again.`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new KeepsakeError('IO', `Keepsake may not write to ${path}.`);
  return new KeepsakeError('IO', `Writing ${path} failed (${code ?? 'unknown error'}).`);
}

/** Until the stream takes more (or closes on an error), without leaving listeners behind. */
function drained(out: WriteStream): Promise<void> {
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
