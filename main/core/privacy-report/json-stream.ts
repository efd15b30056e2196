// A pretty-printed JSON document written as a stream: plain properties, then arrays whose
// elements are appended one at a time, so a report with half a million messages never
// builds one string (or one array) of them all — V8 strings stop at ~536 M characters.
// The bytes are exactly what `JSON.stringify(doc, null, 2) + '\n'` gives for the same
// document, so readers see the same format. The file itself is a StreamFile (the bundle
// writer's): a hidden temporary beside the target (0600), written with back-pressure,
// hashed as it goes, fsynced, renamed into place, the folder fsynced.
import { KeepsakeError } from '../../../common/errors';
import { StreamFile, type Written } from '../recovery/stream-file';

/** Text gathered before it is handed to the file. */
const FLUSH_AT = 64 * 1024;

/** One value as it sits at `depth` inside the document (continuation lines indented). */
function nested(value: unknown, depth: number): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined ? undefined : text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

export type StreamedFile = Written;

export class JsonDocumentStream {
  private pending = '{';
  private props = 0;
  /** Elements in the open array, or -1 when no array is open. */
  private elements = -1;

  private constructor(private readonly file: StreamFile) {}

  /** Starts the document at `path` (its folder is created). */
  static async open(path: string): Promise<JsonDocumentStream> {
    return new JsonDocumentStream(await StreamFile.open(path, reportWriteError));
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
      await this.handOver();
    } catch (e) {
      await this.file.abort();
      throw e;
    }
    return this.file.close();
  }

  /** Gives up: the temporary is removed, nothing sits under the final name. */
  async abort(): Promise<void> {
    this.pending = '';
    await this.file.abort();
  }

  private startProp(key: string): void {
    this.pending += `${this.props ? ',' : ''}\n  ${JSON.stringify(key)}: `;
    this.props++;
  }

  private async maybeFlush(): Promise<void> {
    if (this.pending.length >= FLUSH_AT) await this.handOver();
  }

  private async handOver(): Promise<void> {
    const text = this.pending;
    this.pending = '';
    await this.file.write(text);
  }
}

/** A report is simply run again after a failed write (it does not resume like a restore). */
export function reportWriteError(e: unknown, path: string): KeepsakeError {
  if (e instanceof KeepsakeError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return new KeepsakeError('IO', `The disk is full while writing ${path}; free some space and try again.`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new KeepsakeError('IO', `Keepsake may not write to ${path}.`);
  return new KeepsakeError('IO', `Writing ${path} failed (${code ?? 'unknown error'}).`);
}
