// A seeded, user-space fault-injecting HTTP proxy (toxiproxy's ideas, in-process) for the
// cloud tests: it sits between a client and a test server on 127.0.0.1 and, for a chosen
// share of requests ("toxicity"), injects one fault: 500 or 503 SlowDown (with or without
// Retry-After), a reset while the request or response body is flowing, a stall then a
// reset, a truncated response, a flipped byte in the body sent or received, a request
// body cut short but passed on as if whole (a "lying backend"), and damaged LIST pages
// (an error, a page missing entries, a page claiming more follow with no way to get them).
// Latency and a bandwidth cap apply to every request. The same seed gives the same faults
// for the same sequence of requests, so a failing run can be replayed.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FaultKinds = [
  'error-500',
  'slowdown-503',
  'reset-request',
  'reset-response',
  'stall',
  'truncate-response',
  'bitflip-request',
  'bitflip-response',
  'truncate-request',
  'list-error',
  'list-short',
  'list-bad-truncation',
] as const;
export type FaultKind = (typeof FaultKinds)[number];

export interface FaultOptions {
  seed?: number;
  /** Share of requests that get a fault, 0..1. */
  toxicity?: number;
  /** Which faults may be chosen (default: all that apply to the request). */
  faults?: readonly FaultKind[];
  latencyMs?: number;
  /** Cap on bytes per second in each direction, per request (0 = none). */
  bandwidth?: number;
  /** How long a stall holds the connection before resetting it. */
  stallMs?: number;
  /** Retry-After seconds sent with 503 SlowDown half of the time. */
  retryAfterSeconds?: number;
  /** Only requests this returns true for can be faulted (latency/bandwidth still apply). */
  match?: (req: { method: string; url: string }) => boolean;
}

export interface FaultProxy {
  url: string;
  port: number;
  /** How many times each fault was injected, and how many requests passed untouched. */
  stats: Record<FaultKind | 'passed', number>;
  set(options: Partial<FaultOptions>): void;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, enough to make fault choice reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isList(method: string, url: string): boolean {
  if (method === 'PROPFIND') return true;
  if (method !== 'GET') return false;
  const u = new URL(url, 'http://x');
  return u.searchParams.has('list-type') || (u.pathname.split('/').filter(Boolean).length === 1 && !u.search.includes('versioning'));
}

function applicable(method: string, url: string, hasBody: boolean): FaultKind[] {
  const list = isList(method, url);
  const out: FaultKind[] = ['error-500', 'slowdown-503', 'stall'];
  if (hasBody) out.push('reset-request', 'bitflip-request', 'truncate-request');
  if (method === 'GET' && !list) out.push('reset-response', 'truncate-response', 'bitflip-response');
  if (list) out.push('list-error', 'list-short', 'list-bad-truncation');
  return out;
}

export async function startFaultProxy(upstream: string, initial: FaultOptions = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  let opts: Required<Omit<FaultOptions, 'match' | 'faults'>> & Pick<FaultOptions, 'match' | 'faults'> = {
    seed: 1,
    toxicity: 0,
    latencyMs: 0,
    bandwidth: 0,
    stallMs: 1500,
    retryAfterSeconds: 1,
    ...initial,
  };
  let random = seededRandom(opts.seed);
  const stats = Object.fromEntries([...FaultKinds, 'passed'].map((k) => [k, 0])) as FaultProxy['stats'];
  const sockets = new Set<Socket>();

  const pick = (method: string, url: string, hasBody: boolean): FaultKind | null => {
    if (opts.toxicity <= 0 || (opts.match && !opts.match({ method, url }))) return null;
    if (random() >= opts.toxicity) return null;
    const choices = applicable(method, url, hasBody).filter((k) => !opts.faults || opts.faults.includes(k));
    if (choices.length === 0) return null;
    return choices[Math.floor(random() * choices.length)] ?? null;
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      req.socket.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    if (opts.latencyMs > 0) await sleep(opts.latencyMs);
    const fault = pick(method, url, body.length > 0);
    stats[fault ?? 'passed']++;

    switch (fault) {
      case 'error-500':
        return sendError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
      case 'slowdown-503':
        return sendError(res, 503, 'SlowDown', 'Please reduce your request rate.', random() < 0.5 ? opts.retryAfterSeconds : undefined);
      case 'list-error':
        return sendError(res, 500, 'InternalError', 'Listing failed.');
      case 'stall':
        await sleep(opts.stallMs);
        req.socket.destroy();
        return;
      case 'reset-request':
        // The client has sent its body; dropping the connection now looks, to it, like a
        // reset while uploading (nothing reaches the server).
        req.socket.destroy();
        return;
      case 'bitflip-request':
        body = flip(body, random);
        break;
      case 'truncate-request':
        body = body.subarray(0, Math.floor(body.length * (0.5 + random() * 0.4)));
        break;
      default:
        break;
    }

    const headers = { ...req.headers };
    if (body.length > 0 || headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
    const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = httpRequest({ host: target.hostname, port: target.port, method, path: url, headers }, resolve);
      r.on('error', reject);
      r.end(body);
    });
    const out: Buffer[] = [];
    for await (const c of upstreamRes) out.push(c as Buffer);
    let payload: Buffer = Buffer.concat(out);
    const status = upstreamRes.statusCode ?? 502;
    const resHeaders = { ...upstreamRes.headers };
    delete resHeaders['transfer-encoding'];

    if (fault === 'list-short' || fault === 'list-bad-truncation') payload = damageListing(payload, fault);
    if (fault === 'bitflip-response' && payload.length > 0 && status < 300) payload = flip(payload, random);
    if (method !== 'HEAD') resHeaders['content-length'] = String(payload.length);
    res.writeHead(status, resHeaders);
    if (method === 'HEAD') return void res.end();

    if ((fault === 'truncate-response' || fault === 'reset-response') && payload.length > 1) {
      const cut = fault === 'reset-response' ? Math.floor(payload.length * random()) : Math.floor(payload.length * (0.3 + random() * 0.6));
      await writeThrottled(res, payload.subarray(0, cut));
      res.socket?.destroy();
      return;
    }
    await writeThrottled(res, payload);
    res.end();
  }

  async function writeThrottled(res: ServerResponse, data: Buffer): Promise<void> {
    if (opts.bandwidth <= 0) {
      res.write(data);
      return;
    }
    const slice = Math.max(1024, Math.floor(opts.bandwidth / 20));
    for (let off = 0; off < data.length; off += slice) {
      if (!res.write(data.subarray(off, off + slice))) await new Promise((r) => res.once('drain', r));
      await sleep((slice / opts.bandwidth) * 1000);
    }
  }

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    set(next) {
      opts = { ...opts, ...next };
      if (next.seed !== undefined) random = seededRandom(next.seed);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendError(res: ServerResponse, status: number, code: string, message: string, retryAfter?: number): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  const headers: Record<string, string> = { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  res.writeHead(status, headers);
  res.end(body);
}

function flip(b: Buffer, random: () => number): Buffer {
  if (b.length === 0) return b;
  const copy = Buffer.from(b);
  const i = Math.floor(random() * copy.length);
  copy[i] = (copy[i] ?? 0) ^ (1 << Math.floor(random() * 8));
  return copy;
}

/** Damages a LIST answer: S3 ListObjectsV2 XML or a WebDAV multistatus. */
function damageListing(payload: Buffer, kind: 'list-short' | 'list-bad-truncation'): Buffer {
  let xml = payload.toString('utf8');
  if (kind === 'list-short') {
    // Drop the last entry but leave the counts as they were.
    const s3 = xml.lastIndexOf('<Contents>');
    if (s3 >= 0) xml = xml.slice(0, s3) + xml.slice(xml.indexOf('</Contents>', s3) + '</Contents>'.length);
    else {
      const m = [...xml.matchAll(/<([a-zA-Z]+:)?response[\s>]/g)].pop();
      if (m?.index !== undefined) {
        const close = `</${m[1] ?? ''}response>`;
        xml = xml.slice(0, m.index) + xml.slice(xml.indexOf(close, m.index) + close.length);
      }
    }
  } else if (!xml.includes('<ListBucketResult')) {
    // WebDAV has no paging: answer with the collection alone, as if it were empty.
    const all = [...xml.matchAll(/<([a-zA-Z]+:)?response[\s>]/g)];
    const second = all[1];
    if (second?.index !== undefined) {
      const close = `</${second[1] ?? ''}multistatus>`;
      xml = xml.slice(0, second.index) + xml.slice(xml.lastIndexOf(close));
    }
  } else {
    // Claim more pages follow, but drop the entries and the token needed to fetch them.
    xml = xml.replace(/<IsTruncated>false<\/IsTruncated>/, '<IsTruncated>true</IsTruncated>').replace(/<NextContinuationToken>[^<]*<\/NextContinuationToken>/, '');
    xml = xml.replace(/<Contents>[\s\S]*<\/Contents>/, '').replace(/<KeyCount>\d+<\/KeyCount>/, '<KeyCount>0</KeyCount>');
  }
  return Buffer.from(xml, 'utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
