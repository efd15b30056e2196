// The loopback web host: the same contract as the desktop app, over HTTP. `keepsake
// serve` runs it for headless use (a home server, a NAS) and `npm start` falls back to it
// when no Electron runtime exists. Binds 127.0.0.1 by default, requires the per-launch
// token on every call, and rejects foreign Host/Origin headers (DNS rebinding, CSRF).
//   POST /rpc/<method>  JSON in, Result JSON out         (Authorization: Bearer <token>)
//   GET  /events        Server-Sent Events of the contract's events (Bearer)
//   POST /session       sets an HttpOnly SameSite=Strict cookie for media URLs (Bearer)
//   GET  /media/<id>    streamed bytes with range support (cookie or Bearer); <id> may
//                       carry an ordinal, <item>.<role>.<n> ([Note: media ids])
//   POST /upload        one file's bytes into a private staging folder (Bearer) → its path
//   GET  /*             the built UI (dist/renderer)
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isKeepsakeError, type ErrorCode } from '../../common/errors';
import type { Result } from '../../common/contract';
import type { Core } from '../core/core';
import { dispatch } from '../core/dispatch';
import { openMedia } from '../core/media';
import { sweepStaging } from '../core/staging';
import { SESSION_COOKIE, bearerToken, cookieToken, hostAllowed, originAllowed, tokenMatches, type GuardConfig } from './guard';
import { SECURITY_HEADERS, serveStatic } from './static';
import { handleEvents } from './sse';
import { receiveUpload } from './upload';

export interface WebHostOptions {
  core: Core;
  host?: string;
  port?: number;
  /** Fixed token (tests); a random 256-bit one per launch otherwise. */
  token?: string;
  staticDir?: string;
  /** Largest JSON body accepted on /rpc. */
  maxBodyBytes?: number;
  /** Largest single file accepted on /upload. */
  maxUploadBytes?: number;
}

export interface WebHost {
  /** The full URL to open, with the token in the fragment (never sent to a server). */
  url: string;
  origin: string;
  token: string;
  close(): Promise<void>;
}

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  REVERIFY: 403,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  CONFLICT: 409,
  VAULT_LOCKED: 423,
  VAULT_MISSING: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { core } = options;
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const maxUpload = options.maxUploadBytes ?? 64 * 1024 ** 3;
  const guard: GuardConfig = { token, allowedHosts: new Set(), allowedOrigins: new Set() };
  sweepStaging(core.dataFolder);

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      core.log.error('web.unhandled', { error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) sendResult(res, { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Keepsake.' } });
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, guard)) return refuse(res, 421, 'This server only answers to its own loopback address.');
    if (!originAllowed(req, guard)) return refuse(res, 403, 'Requests from other sites are refused.');
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;

    if (path.startsWith('/rpc/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST.');
      if (!tokenMatches(bearerToken(req), token)) return sendResult(res, unauthorized());
      const body = await readJson(req, maxBody);
      if (!body.ok) return sendResult(res, body);
      return sendResult(res, await dispatch(core, decodeURIComponent(path.slice(5)), body.value));
    }
    if (path === '/upload') {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST.');
      if (!tokenMatches(bearerToken(req), token)) return sendResult(res, unauthorized());
      try {
        return sendResult(res, { ok: true, value: await receiveUpload(core.dataFolder, req, maxUpload) });
      } catch (e) {
        if (isKeepsakeError(e)) return sendResult(res, { ok: false, error: e.toData() });
        throw e;
      }
    }
    if (path === '/events') {
      if (!tokenMatches(bearerToken(req), token)) return sendResult(res, unauthorized());
      return handleEvents(core, req, res);
    }
    if (path === '/session') {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST.');
      if (!tokenMatches(bearerToken(req), token)) return sendResult(res, unauthorized());
      res.writeHead(204, { 'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/media`, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
      return void res.end();
    }
    if (path.startsWith('/media/')) {
      if (!tokenMatches(cookieToken(req) ?? bearerToken(req), token)) return refuse(res, 401, 'Not signed in.');
      // A malformed escape (a hostile %E0%A4%A) names no media: 404, not a 500.
      const id = safeDecode(path.slice(7));
      if (id === null) return refuse(res, 404, 'No such media.');
      const media = await openMedia(core, id, req.headers.range);
      res.writeHead(media.status, { ...SECURITY_HEADERS, ...media.headers });
      media.body.on('error', () => res.destroy());
      return void media.body.pipe(res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
    serveStatic(staticDir, path, res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${hostForUrl}:${port}`;
  for (const h of [`${hostForUrl}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]) guard.allowedHosts.add(h.toLowerCase());
  for (const o of [origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`]) guard.allowedOrigins.add(o.toLowerCase());
  core.log.info('web.started', { port });

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function unauthorized(): Result<never> {
  return { ok: false, error: { code: 'UNAUTHORIZED', message: 'A valid session token is required.' } };
}

function sendResult(res: ServerResponse, result: Result<unknown>): void {
  const status = result.ok ? 200 : (STATUS[result.error.code] ?? 422);
  const body = JSON.stringify(result);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(body);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(message);
}

async function readJson(req: IncomingMessage, limit: number): Promise<Result<unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    return { ok: false, error: { code: 'BAD_INPUT', message: 'Send the request body as application/json.' } };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.destroy();
      return { ok: false, error: { code: 'BAD_INPUT', message: `The request is larger than ${limit} bytes.` } };
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: { code: 'BAD_INPUT', message: 'The request body is not valid JSON.' } };
  }
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
