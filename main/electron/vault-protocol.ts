// The vault:// protocol: vault://media/<id> streams a thumbnail, photo, video or
// attachment from core's one media handler (openMedia), forwarding the Range header so
// video can seek. Bytes never cross IPC. [Note: IPC streams] in main/core/media.ts.
// <id> is "<item>", "<item>.<role>" or "<item>.<role>.<n>" (every attachment, by ordinal;
// [Note: media ids] in main/core/library/file-source.ts): one path segment, no query.
import { Readable } from 'node:stream';
import type { Core } from '../core/core';
import { openMedia } from '../core/media';
import { VAULT_SCHEME, parseUrl } from './origin';

/** Extracts <id> from vault://media/<id>; null for anything else. */
export function mediaIdFromUrl(rawUrl: string): string | null {
  const url = parseUrl(rawUrl);
  if (!url || url.protocol !== `${VAULT_SCHEME}:` || url.hostname !== 'media' || url.port || url.username || url.password) return null;
  if (url.search || !url.pathname.startsWith('/')) return null;
  let id: string;
  try {
    id = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return null;
  }
  // openMedia validates the id's shape again; a slash here can never be a media id.
  return id.length > 0 && !id.includes('/') ? id : null;
}

/** A protocol.handle handler for vault://, closed over the running core. */
export function createVaultProtocolHandler(core: Core): (request: Request) => Promise<Response> {
  return async (request) => {
    // GET only: media elements read with GET + Range, and a HEAD would open a decrypting
    // stream just to throw it away.
    if (request.method !== 'GET') return new Response('Method not allowed.', { status: 405 });
    const id = mediaIdFromUrl(request.url);
    if (id === null) return new Response('Not found.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    const media = await openMedia(core, id, request.headers.get('range') ?? undefined);
    const body = Readable.toWeb(media.body) as unknown as ReadableStream<Uint8Array>;
    return new Response(body, { status: media.status, headers: media.headers });
  };
}
