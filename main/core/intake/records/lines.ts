// Splits a byte stream into lines without decoding them (vCard and mbox choose a charset
// per property or per message, so text decoding happens later). Bounded: a "line" longer
// than maxLineBytes is refused rather than buffered without end (a file with no newlines).
import type { Readable } from 'node:stream';
import { KeepsakeError } from '../../../../common/errors';

export interface Line {
  /** The bytes of the line without its terminator (\n or \r\n). */
  bytes: Buffer;
  /** 1-based line number. */
  number: number;
  /** Byte offset of the line's first byte in the input. */
  offset: number;
  /** True when the line ended with \r\n (mbox writers keep what they read). */
  crlf: boolean;
}

export const DEFAULT_MAX_LINE = 64 * 1024 * 1024;

export async function* readLines(stream: Readable, maxLineBytes = DEFAULT_MAX_LINE): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let number = 0;
  let offset = 0; // offset of the start of the pending line
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      if (nl === -1) break;
      const piece = buf.subarray(start, nl);
      const whole = pendingLen ? Buffer.concat([...pending, piece], pendingLen + piece.length) : piece;
      pending = [];
      pendingLen = 0;
      const crlf = whole.length > 0 && whole[whole.length - 1] === 0x0d;
      number++;
      yield { bytes: crlf ? whole.subarray(0, whole.length - 1) : whole, number, offset, crlf };
      offset += whole.length + 1;
      start = nl + 1;
    }
    if (start < buf.length) {
      const rest = buf.subarray(start);
      pending.push(rest);
      pendingLen += rest.length;
      if (pendingLen > maxLineBytes) {
        throw new KeepsakeError('UNSUPPORTED', `Line ${number + 1} is longer than ${Math.round(maxLineBytes / 1048576)} MB; this does not look like a text file of this kind.`);
      }
    }
  }
  if (pendingLen) {
    const whole = Buffer.concat(pending, pendingLen);
    const crlf = whole[whole.length - 1] === 0x0d;
    number++;
    yield { bytes: crlf ? whole.subarray(0, whole.length - 1) : whole, number, offset, crlf };
  }
}
