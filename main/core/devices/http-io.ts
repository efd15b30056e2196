// Small HTTP helpers for the gateway: bounded body reading, JSON replies, KeepsakeError →
// status mapping, and Content-Range / Range parsing. Every limit is enforced while bytes
// stream in, so a lying Content-Length or an endless chunked body cannot grow memory.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { KeepsakeError, isKeepsakeError, type ErrorCode } from '../../../common/errors';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNSUPPORTED: 415,
  RATE_LIMITED: 429,
  VAULT_LOCKED: 503,
  IO: 507,
};

export function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/** Sends an error body; errors that are not KeepsakeErrors become INTERNAL with no detail. */
export function sendError(res: ServerResponse, e: unknown, close = false): void {
  if (isKeepsakeError(e)) {
    const status = e.message.startsWith('Request body too large') ? 413 : (STATUS[e.code] ?? 500);
    const body: Record<string, unknown> = { code: e.code, message: e.message };
    if (e.details) body.details = e.details;
    sendJson(res, status, { error: body }, close || status === 413);
  } else {
    sendJson(res, 500, { error: { code: 'INTERNAL', message: 'The desktop hit an internal error; the item was not acknowledged.' } }, true);
  }
}

export function tooLarge(limit: number): KeepsakeError {
  return new KeepsakeError('BAD_INPUT', `Request body too large: the limit is ${limit} bytes.`);
}

/** Reads a whole body up to `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) throw tooLarge(limit);
    parts.push(chunk);
  }
  return Buffer.concat(parts, n);
}

export async function readJson<S extends z.ZodType>(req: IncomingMessage, limit: number, schema: S): Promise<z.output<S>> {
  const body = await readBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new KeepsakeError('BAD_INPUT', 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new KeepsakeError('BAD_INPUT', `The request does not match protocol v1: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
  return parsed.data;
}

/** "bytes 0-99/1000" → { start: 0, length: 100, total: 1000 } (an empty file needs no upload). */
export function parseContentRange(h: string | undefined): { start: number; length: number; total: number } {
  const m = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/.exec(h ?? '');
  if (!m) throw new KeepsakeError('BAD_INPUT', 'An upload needs a Content-Range header like "bytes 0-1048575/5000000".');
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = Number(m[3]);
  if (end < start || end >= total) throw new KeepsakeError('BAD_INPUT', 'The Content-Range is not a valid byte range.');
  return { start, length: end - start + 1, total };
}

/** "bytes=100-" or "bytes=100-199" (one range) → offsets within size; null for no header. */
export function parseRange(h: string | undefined, size: number): { start: number; end: number } | null {
  if (!h) return null;
  const m = /^bytes=(\d{1,16})-(\d{0,16})$/.exec(h);
  if (!m) throw new KeepsakeError('BAD_INPUT', 'Only a single "bytes=start-end" range is supported.');
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
  if (start > end || start >= size) throw new KeepsakeError('BAD_INPUT', 'The requested range is outside the file.');
  return { start, end };
}
