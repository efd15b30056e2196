// Security row 34 and the TLS-layer pin against a real gateway on 127.0.0.1: unpinned
// clients closed before any HTTP byte, pairing-only connections, oversized bodies and bad
// range headers, huge headers, slowloris, 1,000 concurrent connections that leave paired
// devices served, per-device caps, the TLS 1.3 cipher the desktop picks, and unpairing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeepsakeAgent } from '../../../agent/src/agent';
import { makeSelfSignedIdentity } from '../../../main/core/devices/certificate';
import { connect } from 'node:tls';
import { ALPN_PAIR, ALPN_SYNC, PATHS, TLS13_CIPHERS } from '../../../main/core/devices/wire';
import { buildPhoneFolder } from './support/phone-fixture';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';
import { tcpOpen, tlsOpen, untilClosed } from './support/raw-tls';

describe('gateway security', () => {
  let desktop: Desktop;
  let phone: string;
  let agent: KeepsakeAgent;
  const limits = { jsonBody: 64 * 1024, rangeBody: 256 * 1024, headersTimeoutMs: 400, handshakeTimeoutMs: 400, pending: 64, perDevice: 6 };

  beforeAll(async () => {
    desktop = await startDesktop({ limits });
    phone = tempDir('keepsake-phone-');
    buildPhoneFolder(phone);
    agent = await pairedAgent(desktop, phone);
  });
  afterAll(async () => {
    await desktop.close();
    removeAll(desktop.dir, phone);
  });

  it('a client whose certificate is not pinned is closed in the TLS layer, without an HTTP answer', async () => {
    const stranger = makeSelfSignedIdentity('stranger', { bits: 2048 });
    const s = await tlsOpen(desktop.port, stranger, ALPN_SYNC).catch(() => null);
    if (s) {
      s.write(`GET ${PATHS.hello} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(await untilClosed(s)).toBe('');
    }
    // Without any client certificate, or with an unknown ALPN, the same.
    for (const [me, alpn] of [[null, ALPN_SYNC], [agent.state.state.identity, 'http/1.1']] as const) {
      const t = await tlsOpen(desktop.port, me, alpn).catch(() => null);
      if (t) {
        t.write(`GET ${PATHS.hello} HTTP/1.1\r\nHost: x\r\n\r\n`);
        expect(await untilClosed(t)).toBe('');
      }
    }
  });

  it('a pairing connection may only pair', async () => {
    const s = await tlsOpen(desktop.port, makeSelfSignedIdentity('x', { bits: 2048 }), ALPN_PAIR);
    s.write(`GET ${PATHS.hello} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const reply = await untilClosed(s);
    expect(reply).toMatch(/^HTTP\/1\.1 403/);
    expect(reply).toContain('may only pair');
  });

  it('oversized bodies are refused with 413, streaming ones included, and the gateway keeps serving', async () => {
    const me = agent.state.state.identity;
    const big = 'x'.repeat(limits.jsonBody + 1);
    let s = await tlsOpen(desktop.port, me, ALPN_SYNC);
    s.write(`POST ${PATHS.manifest} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`);
    expect(await untilClosed(s)).toMatch(/^HTTP\/1\.1 413/);
    s = await tlsOpen(desktop.port, me, ALPN_SYNC);
    s.write(`POST ${PATHS.manifest} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    for (let i = 0; i < 20 && !s.destroyed; i++) s.write(`4000\r\n${'y'.repeat(0x4000)}\r\n`);
    expect(await untilClosed(s)).toMatch(/^HTTP\/1\.1 413/);
    // An upload range above the limit, and range headers at 0, 2^31 and negative.
    const ranges = [`bytes 0-${limits.rangeBody}/${limits.rangeBody + 1}`, 'bytes 0-0/0', `bytes ${2 ** 31}-${2 ** 31 + 9}/10`, 'bytes -1-5/10'];
    for (const cr of ranges) {
      s = await tlsOpen(desktop.port, me, ALPN_SYNC);
      s.write(`PUT ${PATHS.upload}x HTTP/1.1\r\nHost: x\r\nContent-Range: ${cr}\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx`);
      expect(await untilClosed(s)).toMatch(/^HTTP\/1\.1 (400|413)/);
    }
    // Length fields at 0, 2^31 and negative on a JSON route.
    for (const [len, expected] of [['0', /^HTTP\/1\.1 400/], [String(2 ** 31), /^HTTP\/1\.1 413/], ['-1', /^HTTP\/1\.1 400/]] as const) {
      s = await tlsOpen(desktop.port, me, ALPN_SYNC);
      s.write(`POST ${PATHS.manifest} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`);
      expect(await untilClosed(s)).toMatch(expected);
    }
    // Huge headers.
    s = await tlsOpen(desktop.port, me, ALPN_SYNC);
    s.write(`GET ${PATHS.hello} HTTP/1.1\r\nHost: x\r\nX-Big: ${'z'.repeat(20_000)}\r\n\r\n`);
    expect(await untilClosed(s)).toMatch(/^HTTP\/1\.1 431/);
    expect((await agent.hello()).protocol).toBe(1);
  });

  it('slowloris: silent and trickling connections are closed by the timeouts', async () => {
    const silent = await tcpOpen(desktop.port);
    const me = agent.state.state.identity;
    const slow = await tlsOpen(desktop.port, me, ALPN_SYNC);
    slow.write(`GET ${PATHS.hello} HTTP/1.1\r\n`);
    const timer = setInterval(() => !slow.destroyed && slow.write('X'), 100);
    try {
      await Promise.all([untilClosed(silent), untilClosed(slow)]);
    } finally {
      clearInterval(timer);
    }
    expect(silent.destroyed && slow.destroyed).toBe(true);
    expect((await agent.hello()).protocol).toBe(1);
  });

  it('1,000 concurrent connections are capped; the gateway survives and a paired device is still served', async () => {
    const sockets = await Promise.all(Array.from({ length: 1000 }, () => tcpOpen(desktop.port)));
    try {
      const status = desktop.devices.gatewayStatus();
      if (!status.running) throw new Error('gateway stopped');
      expect(status.connections.pending).toBeLessThanOrEqual(limits.pending);
      const hello = await agent.hello();
      expect(hello.deviceId).toBe(agent.state.state.desktop?.deviceId);
      const s = await agent.sync();
      expect(s.blocked).toBeNull();
      // The flood was shed by evicting the oldest unauthenticated connections.
      expect(desktop.devices.gatewayStatus()).toMatchObject({ running: true });
      expect((desktop.devices.gatewayStatus() as { evicted: number }).evicted).toBeGreaterThan(0);
    } finally {
      for (const s of sockets) s.destroy();
    }
    // One device opening many connections is capped per device; another device is unaffected.
    const me = agent.state.state.identity;
    const mine = await Promise.all(Array.from({ length: 20 }, () => tlsOpen(desktop.port, me, ALPN_SYNC).catch(() => null)));
    const status = desktop.devices.gatewayStatus();
    if (!status.running) throw new Error('gateway stopped');
    expect(status.connections.devices).toBeLessThanOrEqual(limits.perDevice);
    const other = await pairedAgent(desktop, tempDir('keepsake-phone-'), 'Other phone');
    expect((await other.hello()).protocol).toBe(1);
    for (const s of mine) s?.destroy();
  });

  it('TLS 1.3 with AES-128-GCM by the desktop\'s choice; a device without it still connects', async () => {
    const me = agent.state.state.identity;
    if (!me) throw new Error('the agent has no identity');
    const cipherWith = (ciphers?: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: desktop.port, ALPNProtocols: [ALPN_SYNC], rejectUnauthorized: false, key: me.keyPem, cert: me.certPem, ...(ciphers ? { ciphers } : {}) });
        s.once('secureConnect', () => {
          resolve(`${s.getProtocol() ?? ''} ${s.getCipher().name}`);
          s.destroy();
        });
        s.once('error', reject);
      });
    // Node's default order puts AES-256-GCM first; the desktop's order wins.
    expect(await cipherWith()).toBe('TLSv1.3 TLS_AES_128_GCM_SHA256');
    expect(await cipherWith('TLS_AES_256_GCM_SHA384')).toBe('TLSv1.3 TLS_AES_256_GCM_SHA384');
    expect(await cipherWith('TLS_CHACHA20_POLY1305_SHA256')).toBe('TLSv1.3 TLS_CHACHA20_POLY1305_SHA256');
    expect(TLS13_CIPHERS.split(':')[0]).toBe('TLS_AES_128_GCM_SHA256'); // the agent's own preference
  });

  it('unpairing revokes the pin at once', async () => {
    const extra = await pairedAgent(desktop, tempDir('keepsake-phone-'), 'Soon gone');
    expect((await extra.hello()).protocol).toBe(1);
    const id = extra.state.state.desktop?.deviceId ?? '';
    const view = desktop.devices.unpair(id);
    expect(view.revokedAt).not.toBeNull();
    await expect(extra.hello()).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
