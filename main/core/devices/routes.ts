// The gateway's routes (protocol v1, docs/protocol.md): pairing on pairing connections,
// and hello / manifest / uploads / commit / location / restore on a paired device's
// connections. Each route validates its body with the wire.ts schema and delegates to
// SyncService; errors become { error: { code, message } } bodies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { KeepsakeError } from '../../../common/errors';
import { parseContentRange, parseRange, readJson, sendError, sendJson, tooLarge } from './http-io';
import type { PairedDevice } from './pairings-store';
import type { SyncService } from './sync-service';
import { receiveBatch } from './upload-batch';
import {
  CommitRequest, ErasureAckRequest, FEATURES, LIMITS, LocationRequest, ManifestRequest, PairRequest, PATHS, PROTOCOL_VERSION, RestoreAckRequest,
  type HelloResponse, type PairResponse,
} from './wire';

export interface RouteContext {
  limits: { jsonBody: number; rangeBody: number };
  desktopName: string;
  sync: SyncService;
  now: () => number;
}

function notFound(): KeepsakeError {
  return new KeepsakeError('NOT_FOUND', 'No such route in protocol v1.');
}

function decodeId(path: string, prefix: string): string {
  try {
    const id = decodeURIComponent(path.slice(prefix.length));
    if (!id) throw notFound();
    return id;
  } catch (e) {
    if (e instanceof KeepsakeError) throw e;
    throw new KeepsakeError('BAD_INPUT', 'The item id in the path is not valid.');
  }
}

export async function routePair(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, pair: (body: PairRequest) => Promise<PairResponse>): Promise<void> {
  if (req.method !== 'POST' || req.url !== PATHS.pair) {
    sendError(res, new KeepsakeError('FORBIDDEN', 'A pairing connection may only pair.'), true);
    return;
  }
  const body = await readJson(req, 4096, PairRequest);
  sendJson(res, 200, await pair(body), true);
}

export async function routeDevice(req: IncomingMessage, res: ServerResponse, ctx: RouteContext, device: PairedDevice): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://gateway');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const { sync } = ctx;

  if (method === 'GET' && path === PATHS.hello) {
    const hello: HelloResponse = {
      protocol: PROTOCOL_VERSION,
      deviceId: device.id,
      desktopName: ctx.desktopName,
      blocked: sync.blockedReason(device),
      limits: { jsonBody: ctx.limits.jsonBody, rangeBody: ctx.limits.rangeBody, manifestItems: LIMITS.manifestItems, commitItems: LIMITS.commitItems, batchItems: LIMITS.batchItems },
      features: [FEATURES.uploadBatch],
    };
    sendJson(res, 200, hello);
    return;
  }
  if (method === 'POST' && path === PATHS.manifest) {
    sendJson(res, 200, await sync.manifest(device, await readJson(req, ctx.limits.jsonBody, ManifestRequest)));
    return;
  }
  if (path.startsWith(PATHS.upload)) {
    const id = decodeId(path, PATHS.upload);
    if (method === 'GET') {
      sendJson(res, 200, sync.status(device, id));
      return;
    }
    if (method === 'PUT') {
      const range = parseContentRange(req.headers['content-range']);
      if (range.length > ctx.limits.rangeBody) throw tooLarge(ctx.limits.rangeBody);
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) !== range.length) throw new KeepsakeError('BAD_INPUT', 'Content-Length and Content-Range disagree.');
      sendJson(res, 200, await sync.receiveRange(device, id, range, req as AsyncIterable<Buffer>));
      return;
    }
  }
  if (method === 'POST' && path === PATHS.uploadBatch) {
    sendJson(res, 200, await receiveBatch(req, device, sync, ctx.limits.rangeBody));
    return;
  }
  if (method === 'POST' && path === PATHS.commit) {
    sendJson(res, 200, await sync.commit(device, (await readJson(req, ctx.limits.jsonBody, CommitRequest)).ids));
    return;
  }
  if (method === 'POST' && path === PATHS.location) {
    sendJson(res, 200, await sync.location(device, await readJson(req, ctx.limits.jsonBody, LocationRequest)));
    return;
  }
  if (method === 'GET' && path === PATHS.restoreList) {
    sendJson(res, 200, { offers: sync.restoreOffers(device) });
    return;
  }
  if (method === 'GET' && path.startsWith(PATHS.restoreItem)) {
    const { offer, open } = await sync.openRestore(device, decodeId(path, PATHS.restoreItem));
    const range = parseRange(req.headers.range, offer.size);
    const stream = await open();
    const start = range?.start ?? 0;
    const end = range?.end ?? offer.size - 1;
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': Math.max(0, end - start + 1),
      'x-keepsake-sha256': offer.hash,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${offer.size}` } : {}),
    });
    await pipeline(stream as NodeJS.ReadableStream & AsyncIterable<Buffer>, sliceStream(start, end + 1), res);
    return;
  }
  if (method === 'POST' && path === PATHS.restoreAck) {
    const n = await sync.restoreAck(device, (await readJson(req, ctx.limits.jsonBody, RestoreAckRequest)).offerIds);
    sendJson(res, 200, { delivered: n });
    return;
  }
  if (method === 'GET' && path === PATHS.erasures) {
    sendJson(res, 200, sync.erasureNotices(device));
    return;
  }
  if (method === 'POST' && path === PATHS.erasuresAck) {
    sendJson(res, 200, await sync.erasureAck(device, await readJson(req, ctx.limits.jsonBody, ErasureAckRequest)));
    return;
  }
  throw notFound();
}

/** Passes through bytes [start, end) of a stream (the vault streams items from the start). */
function sliceStream(start: number, end: number) {
  let pos = 0;
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      const from = Math.max(0, start - pos);
      const to = Math.min(chunk.length, end - pos);
      pos += chunk.length;
      if (to > from) yield chunk.subarray(from, to);
      if (pos >= end) break;
    }
  };
}
