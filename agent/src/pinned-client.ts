// The agent's HTTPS client, pinned to the desktop. [Note: Agent pinning]
// - Probe (pairing only): a TLS handshake with no application data. The desktop's
//   certificate is read, its SHA-256 compared with the fingerprint from the QR code, and
//   the socket closed; on a mismatch nothing was sent. This is how the agent learns the
//   certificate it will pin — it is checked against the QR, never trusted on first use.
// - Every request: rejectUnauthorized with the pinned certificate as the only CA and a
//   checkServerIdentity that compares fingerprints, so any other certificate (a MITM, a
//   different desktop) aborts the handshake before the request is written.
// The agent presents its own self-made certificate, which the desktop pins.
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { connect, type PeerCertificate } from 'node:tls';
import type { Readable } from 'node:stream';
import { normalizeFingerprint } from '../../main/core/devices/certificate';
import { TLS13_CIPHERS } from '../../main/core/devices/wire';

export class AgentError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status = 0,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

export interface ClientIdentity {
  keyPem: string;
  certPem: string;
}

export interface Endpoint {
  host: string;
  port: number;
  fingerprint: string;
}

const mismatch = (): AgentError =>
  new AgentError("The desktop's certificate does not match the one this phone pinned (or the pairing code). Someone may be intercepting the connection; nothing was sent.", 'PIN_MISMATCH');

/** Handshake only: returns the desktop's certificate PEM if its fingerprint matches. */
export function probeCertificate(ep: Endpoint, me: ClientIdentity, alpn: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: ep.host,
      port: ep.port,
      key: me.keyPem,
      cert: me.certPem,
      ALPNProtocols: [alpn],
      minVersion: 'TLSv1.3',
      // Chain checks are replaced by the fingerprint comparison below; no byte is written.
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => socket.destroy(new AgentError('The desktop did not answer in time.', 'NETWORK')), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate(true) as PeerCertificate & { raw?: Buffer };
      socket.destroy();
      if (!cert?.fingerprint256 || normalizeFingerprint(cert.fingerprint256) !== ep.fingerprint || !cert.raw) {
        reject(mismatch());
        return;
      }
      const b64 = cert.raw.toString('base64').replace(/.{64}/g, '$&\n');
      resolve(`-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e instanceof AgentError ? e : new AgentError(`Could not reach the desktop (${(e as NodeJS.ErrnoException).code ?? e.message}).`, 'NETWORK'));
    });
  });
}

export interface Response {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export class PinnedClient {
  private readonly agent: Agent;

  constructor(
    private readonly ep: Endpoint & { certPem: string },
    me: ClientIdentity,
    alpn: string,
    opts: { maxSockets?: number } = {},
  ) {
    const expected = ep.fingerprint;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: opts.maxSockets ?? 4,
      key: me.keyPem,
      cert: me.certPem,
      ca: [ep.certPem],
      ALPNProtocols: [alpn],
      minVersion: 'TLSv1.3',
      ciphers: TLS13_CIPHERS,
      rejectUnauthorized: true,
      checkServerIdentity: (_host: string, cert: PeerCertificate) => (cert.fingerprint256 && normalizeFingerprint(cert.fingerprint256) === expected ? undefined : mismatch()),
    } as ConstructorParameters<typeof Agent>[0]);
  }

  /** Sends a request; the body is a Buffer, a JSON value, or a stream with a known length. */
  send(method: string, path: string, opts: { json?: unknown; body?: Readable | Buffer; length?: number; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    return new Promise((resolve, reject) => {
      const payload = opts.json !== undefined ? Buffer.from(JSON.stringify(opts.json)) : opts.body;
      const headers: Record<string, string | number> = { ...opts.headers };
      if (opts.json !== undefined) headers['content-type'] = 'application/json';
      if (Buffer.isBuffer(payload)) headers['content-length'] = payload.length;
      else if (payload && opts.length !== undefined) headers['content-length'] = opts.length;
      const req = request({ host: this.ep.host, port: this.ep.port, method, path, headers, agent: this.agent, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
        res.on('error', reject);
      });
      req.on('error', (e) => reject(e instanceof AgentError ? e : translate(e)));
      if (!payload) req.end();
      else if (Buffer.isBuffer(payload)) req.end(payload);
      else payload.pipe(req);
    });
  }

  /** A GET whose body is streamed to the caller (restore downloads). */
  stream(path: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.ep.host, port: this.ep.port, method: 'GET', path, headers, agent: this.agent }, resolve);
      req.on('error', (e) => reject(translate(e)));
      req.end();
    });
  }

  /** JSON request that throws AgentError on a non-2xx answer. */
  async json<T>(method: string, path: string, json?: unknown): Promise<T> {
    const res = await this.send(method, path, json === undefined ? {} : { json });
    return parseJson<T>(res);
  }

  close(): void {
    this.agent.destroy();
  }
}

export function parseJson<T>(res: Response): T {
  let value: unknown = null;
  try {
    value = res.body.length ? JSON.parse(res.body.toString('utf8')) : null;
  } catch {
    throw new AgentError(`The desktop sent an unreadable answer (HTTP ${res.status}).`, 'PROTOCOL', res.status);
  }
  if (res.status >= 200 && res.status < 300) return value as T;
  const err = (value as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
  throw new AgentError(err?.message ?? `The desktop refused the request (HTTP ${res.status}).`, err?.code ?? 'HTTP', res.status, err?.details);
}

function translate(e: Error): AgentError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (e instanceof AgentError) return e;
  if (code === 'CERT_NOT_YET_VALID' || code === 'CERT_HAS_EXPIRED') {
    // The pinned certificate itself, judged by this phone's clock (RELIABILITY row 19).
    return new AgentError("The desktop's certificate is not valid at this phone's date and time. Check the date and time on the phone and on the desktop, then try again.", 'CLOCK_SKEW');
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) || /certificate/i.test(e.message)) return mismatch();
  return new AgentError(`The connection to the desktop failed (${code || e.message}).`, 'NETWORK');
}
