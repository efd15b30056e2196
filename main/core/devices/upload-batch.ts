// POST /v1/upload-batch (feature 'upload-batch/1', docs/protocol.md §3.3.1): several whole
// small files in one request. One request per screenshot cost the desktop a request
// parse, a routing step and a response write each — a fifth of a photo library is files
// under 400 KiB. The body is a 4-byte big-endian directory length, the directory (JSON:
// id and size of each file, in order), then the files' bytes back to back. Each file
// goes through SyncService.receiveRange exactly as a one-range PUT of bytes 0..size
// would, so held uploads, staging, resume, hashing and the commit check are unchanged.
// A file the desktop will not take (not offered, wrong size, already being uploaded)
// gets an error in its slot and its bytes are skipped; the others are still received.
import type { IncomingMessage } from 'node:http';
import { KeepsakeError, isKeepsakeError } from '../../../common/errors';
import { tooLarge } from './http-io';
import type { PairedDevice } from './pairings-store';
import type { SyncService } from './sync-service';
import { LIMITS, UploadBatchDirectory, type UploadBatchResponse, type UploadBatchResult } from './wire';

/** Reads a byte stream in exact pieces; bytes past a piece wait for the next read. */
export class BodyReader {
  private readonly it: AsyncIterator<Buffer>;
  private rest: Buffer | null = null;
  /** Bytes handed out so far (pieces read, taken or skipped). */
  position = 0;
  ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async pull(): Promise<Buffer | null> {
    if (this.rest) {
      const r = this.rest;
      this.rest = null;
      return r;
    }
    if (this.ended) return null;
    const n = await this.it.next();
    if (n.done) {
      this.ended = true;
      return null;
    }
    return n.value;
  }

  /** Exactly `n` bytes, or an error if the body ends first. */
  async read(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    for await (const part of this.take(n)) {
      parts.push(part);
      got += part.length;
    }
    if (got < n) throw new KeepsakeError('BAD_INPUT', 'The upload batch ended before its declared size.');
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, got);
  }

  /** Up to `n` bytes as they arrive (fewer only if the body ends); stop early and the rest stays unread. */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      const chunk = await this.pull();
      if (!chunk) return;
      if (chunk.length > left) {
        this.rest = chunk.subarray(left);
        this.position += left;
        const piece = chunk.subarray(0, left);
        left = 0;
        yield piece;
      } else {
        this.position += chunk.length;
        left -= chunk.length;
        yield chunk;
      }
    }
  }

  /** Discards bytes up to `end` (the rest of a file that was refused or stopped early). */
  async skipTo(end: number): Promise<void> {
    for await (const _ of this.take(end - this.position)) {
      // discarded
    }
  }
}

/** Receives an upload batch; answers one result per file, in the directory's order. */
export async function receiveBatch(req: IncomingMessage, device: PairedDevice, sync: SyncService, rangeBody: number): Promise<UploadBatchResponse> {
  const limit = 4 + LIMITS.batchDirectory + rangeBody;
  const declared = req.headers['content-length'];
  if (declared === undefined) throw new KeepsakeError('BAD_INPUT', 'An upload batch needs a Content-Length.');
  const length = Number(declared);
  if (length > limit) throw tooLarge(limit);
  const reader = new BodyReader(req as AsyncIterable<Buffer>);
  const dirLength = (await reader.read(4)).readUInt32BE(0);
  if (dirLength > LIMITS.batchDirectory) throw new KeepsakeError('BAD_INPUT', `The upload batch's directory is larger than ${LIMITS.batchDirectory} bytes.`);
  let value: unknown;
  try {
    value = JSON.parse((await reader.read(dirLength)).toString('utf8'));
  } catch (e) {
    if (isKeepsakeError(e)) throw e;
    throw new KeepsakeError('BAD_INPUT', "The upload batch's directory is not valid JSON.");
  }
  const parsed = UploadBatchDirectory.safeParse(value);
  if (!parsed.success) throw new KeepsakeError('BAD_INPUT', `The upload batch's directory does not match protocol v1: ${parsed.error.issues[0]?.message ?? ''}`.trim());
  const items = parsed.data.items;
  const bytes = items.reduce((n, it) => n + it.size, 0);
  if (bytes > rangeBody) throw tooLarge(rangeBody);
  if (4 + dirLength + bytes !== length) throw new KeepsakeError('BAD_INPUT', 'The upload batch\'s Content-Length does not match its directory.');
  if (new Set(items.map((it) => it.id)).size !== items.length) throw new KeepsakeError('BAD_INPUT', 'An upload batch names the same file twice.');

  const results: UploadBatchResult[] = [];
  for (const it of items) {
    const end = reader.position + it.size;
    try {
      results.push(await sync.receiveRange(device, it.id, { start: 0, length: it.size, total: it.size }, reader.take(it.size)));
    } catch (e) {
      // A refused file: its slot says why (the device uploads it on its own); a broken
      // body or connection ends the whole request as any other upload would.
      if (reader.ended || !isKeepsakeError(e)) throw e;
      const received = typeof e.details?.received === 'number' ? e.details.received : undefined;
      results.push({ id: it.id, error: { code: e.code, message: e.message }, ...(received !== undefined ? { received } : {}) });
    }
    if (reader.position < end) await reader.skipTo(end);
    if (reader.ended && reader.position < end) throw new KeepsakeError('BAD_INPUT', 'The upload batch ended before its declared size.');
  }
  return { results };
}
