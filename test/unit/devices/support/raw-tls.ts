// Raw TLS helpers for the security tests: connect with a chosen identity and ALPN,
// write arbitrary bytes, and collect what comes back until the desktop closes.
import { connect as netConnect, type Socket } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';

export interface RawIdentity {
  keyPem: string;
  certPem: string;
}

export function tlsOpen(port: number, me: RawIdentity | null, alpn: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, ALPNProtocols: [alpn], rejectUnauthorized: false, ...(me ? { key: me.keyPem, cert: me.certPem } : {}) });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with everything received once the peer closes the connection. */
export function untilClosed(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('error', () => undefined);
    s.once('close', () => resolve(Buffer.concat(parts).toString('latin1')));
  });
}

export function tcpOpen(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.on('error', () => undefined);
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
}
