// Security rows 32–34 against a real gateway on 127.0.0.1: man-in-the-middle with another
// certificate (handshake aborted before any application byte), unpinned clients refused
// in the TLS layer, replayed and expired pairing codes, guessing locked out, oversized
// bodies and bad range headers, slowloris, and 1,000 concurrent connections that leave
// paired devices served.
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepsakeAgent } from '../../../agent/src/agent';
import { makeSelfSignedIdentity } from '../../../main/core/devices/certificate';
import { ALPN_PAIR, ALPN_SYNC, PATHS } from '../../../main/core/devices/wire';
import { buildPhoneFolder } from './support/phone-fixture';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';
import { tcpOpen, tlsOpen, untilClosed } from './support/raw-tls';

/** A TLS "proxy" with its own certificate that records every application byte it receives. */
async function impostor(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  const fake = makeSelfSignedIdentity('Keepsake desktop', { bits: 2048 });
  let bytes = 0;
  const server = createTlsServer({ key: fake.keyPem, cert: fake.certPem, ALPNProtocols: [ALPN_SYNC, ALPN_PAIR], requestCert: true, rejectUnauthorized: false }, (s: TLSSocket) => {
    s.on('data', (c: Buffer) => (bytes += c.length));
    s.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => bytes,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

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

  it('MITM at pairing: a QR fingerprint that does not match aborts before any byte is sent', async () => {
    const proxy = await impostor();
    try {
      const { uri } = await desktop.devices.startPairing();
      const redirected = uri.replace(`p=${desktop.port}`, `p=${proxy.port}`);
      const victim = new KeepsakeAgent(phone, tempDir('keepsake-agent-state-'));
      await expect(victim.pair(redirected, { name: 'Victim' })).rejects.toMatchObject({ code: 'PIN_MISMATCH' });
      expect(proxy.received()).toBe(0);
      expect(victim.state.state.desktop).toBeNull();
    } finally {
      desktop.devices.cancelPairing();
      await proxy.close();
    }
  });

  it('MITM after pairing: the pinned certificate check aborts the handshake before the request', async () => {
    const proxy = await impostor();
    const pinned = agent.state.state.desktop;
    if (!pinned) throw new Error('agent not paired');
    const realPort = pinned.port;
    try {
      pinned.port = proxy.port;
      await expect(agent.hello()).rejects.toMatchObject({ code: 'PIN_MISMATCH' });
      await expect(agent.sync()).rejects.toMatchObject({ code: 'PIN_MISMATCH' });
      expect(proxy.received()).toBe(0);
    } finally {
      pinned.port = realPort;
      await proxy.close();
    }
    expect((await agent.hello()).deviceId).toBe(pinned.deviceId);
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

  it('a replayed pairing code is refused with a clear message', async () => {
    const { uri } = await desktop.devices.startPairing();
    const first = new KeepsakeAgent(tempDir('keepsake-phone-'), tempDir('keepsake-agent-state-'));
    await first.pair(uri, { name: 'First' });
    const second = new KeepsakeAgent(tempDir('keepsake-phone-'), tempDir('keepsake-agent-state-'));
    await expect(second.pair(uri, { name: 'Replay' })).rejects.toThrow(/already used or replaced/);
    expect(desktop.devices.list().map((d) => d.name)).not.toContain('Replay');
  });

  it('an expired pairing code is refused, by the desktop clock', async () => {
    let now = Date.now();
    const d2 = await startDesktop({ now: () => now });
    try {
      const { uri } = await d2.devices.startPairing();
      now += 10 * 60_000;
      const late = new KeepsakeAgent(tempDir('keepsake-phone-'), tempDir('keepsake-agent-state-'));
      await expect(late.pair(uri, { name: 'Late' })).rejects.toThrow(/expired/);
      expect(d2.devices.list()).toHaveLength(0);
    } finally {
      await d2.close();
      removeAll(d2.dir);
    }
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

  it('unpairing revokes the pin at once', async () => {
    const extra = await pairedAgent(desktop, tempDir('keepsake-phone-'), 'Soon gone');
    expect((await extra.hello()).protocol).toBe(1);
    const id = extra.state.state.desktop?.deviceId ?? '';
    const view = desktop.devices.unpair(id);
    expect(view.revokedAt).not.toBeNull();
    await expect(extra.hello()).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
