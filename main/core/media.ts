// The one handler that streams bytes (thumbnails, photos, video, attachments) to a UI:
// the Electron host calls it for vault://media/<id>, the web host for /media/<id>. Bytes
// never cross IPC. Supports single byte ranges so video can seek. [Note: IPC streams]
import { Readable } from 'node:stream';
import { isKeepsakeError } from '../../common/errors';
import type { Core } from './core';
import { parseMediaId } from './library/file-source';

/** What the vault hands out for one media id. */
export interface MediaSource {
  size: number;
  mime: string;
  /** Streams bytes start..end inclusive, decrypting as it goes. */
  stream(start: number, end: number): Readable;
}

export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

/** Streams one media id: "<item>", "<item>.<role>" or "<item>.<role>.<n>" ([Note: media ids]). */
export async function openMedia(core: Core, id: string, rangeHeader: string | undefined): Promise<MediaResponse> {
  const ref = parseMediaId(id);
  if (ref === 'bad-id') return plain(400, 'Bad media id.');
  if (ref === 'no-such') return plain(404, 'No such media.');
  if (!core.vault) return plain(423, 'The vault is locked.');
  let source: MediaSource | null;
  try {
    source = await core.vault.media(id);
  } catch (e) {
    // Locked between the check above and the lookup (auto-lock, a second window).
    if (isKeepsakeError(e) && e.code === 'VAULT_LOCKED') return plain(423, 'The vault is locked.');
    throw e;
  }
  if (!source) return plain(404, 'No such media.');
  const base = {
    'Content-Type': source.mime,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  };
  const range = parseRange(rangeHeader, source.size);
  if (range === 'invalid') return { status: 416, headers: { ...base, 'Content-Range': `bytes */${source.size}` }, body: Readable.from([]) };
  if (!range) {
    return { status: 200, headers: { ...base, 'Content-Length': String(source.size) }, body: source.size ? source.stream(0, source.size - 1) : Readable.from([]) };
  }
  const [start, end] = range;
  return {
    status: 206,
    headers: { ...base, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${source.size}` },
    body: source.stream(start, end),
  };
}

/** Parses one "bytes=a-b" range; null when absent, 'invalid' when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): [number, number] | null | 'invalid' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null; // multi-range or malformed: serve the whole thing, as RFC 9110 allows
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return [start, end];
}

function plain(status: number, text: string): MediaResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: Readable.from([Buffer.from(text)]) };
}
