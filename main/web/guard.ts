// Who may talk to the web host: requests must name our own Host (DNS-rebinding defence),
// carry no foreign Origin, and present the per-launch token (Authorization: Bearer, or the
// session cookie the UI receives for media URLs that cannot carry headers).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'keepsake_session';

export interface GuardConfig {
  token: string;
  /** Host header values we answer to, e.g. "127.0.0.1:4567", "localhost:4567". */
  allowedHosts: Set<string>;
  /** Origins we accept, e.g. "http://127.0.0.1:4567". */
  allowedOrigins: Set<string>;
}

export function hostAllowed(req: IncomingMessage, cfg: GuardConfig): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && cfg.allowedHosts.has(host.toLowerCase());
}

/** A request without Origin (same-origin GET, curl) is fine; a foreign one is not. */
export function originAllowed(req: IncomingMessage, cfg: GuardConfig): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return cfg.allowedOrigins.has(origin.toLowerCase());
}

export function tokenMatches(candidate: string | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(h);
  return m?.[1];
}

export function cookieToken(req: IncomingMessage): string | undefined {
  const h = req.headers.cookie;
  if (typeof h !== 'string') return undefined;
  for (const part of h.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v;
  }
  return undefined;
}
