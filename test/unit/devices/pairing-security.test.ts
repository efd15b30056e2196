// Security rows 32–33 against a real gateway on 127.0.0.1: man-in-the-middle with another
// certificate at pairing and after it (handshake aborted before any application byte),
// replayed and expired pairing codes refused with clear messages.
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepsakeAgent } from '../../../agent/src/agent';
import { makeSelfSignedIdentity } from '../../../main/core/devices/certificate';
import { ALPN_PAIR, ALPN_SYNC } from '../../../main/core/devices/wire';
import { buildPhoneFolder } from './support/phone-fixture';
import { tlsOpen, untilClosed } from './support/raw-tls';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

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

describe('pairing security', () => {
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
  it('guessing over the network locks pairing; then even the right code is refused', async () => {
    let now = Date.now();
    const d2 = await startDesktop({ now: () => now });
    try {
      const { uri } = await d2.devices.startPairing();
      const stranger = makeSelfSignedIdentity('guesser', { bits: 2048 });
      const replies: string[] = [];
      for (let i = 0; i < 12; i++) {
        now += 2000;
        if (i % 3 === 0) await d2.devices.startPairing(); // three wrong codes burn a session
        const s = await tlsOpen(d2.port, stranger, ALPN_PAIR);
        const body = JSON.stringify({ secret: `guess-${i}-aaaaaaaaaaaaaaa`, name: 'Guesser', kind: 'android' });
        s.write(`POST /v1/pair HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        replies.push(await untilClosed(s));
      }
      expect(replies.slice(0, 10).every((r) => / 403 /.test(r.split('\r\n')[0] ?? ''))).toBe(true);
      expect(replies[11]).toMatch(/^HTTP\/1\.1 429/);
      expect(replies[11]).toContain('locked');
      now += 2000;
      const fresh = await d2.devices.startPairing();
      const agent = new KeepsakeAgent(tempDir('keepsake-phone-'), tempDir('keepsake-agent-state-'));
      await expect(agent.pair(fresh.uri, { name: 'Honest' })).rejects.toThrow(/locked/);
      void uri;
    } finally {
      await d2.close();
      removeAll(d2.dir);
    }
  });

  it("a desktop certificate not yet valid by the phone's clock gets a clear clock message", async () => {
    const d3 = await startDesktop({ now: () => Date.now() + 10 * 24 * 3600 * 1000 });
    try {
      const { uri } = await d3.devices.startPairing();
      const agent = new KeepsakeAgent(tempDir('keepsake-phone-'), tempDir('keepsake-agent-state-'));
      await expect(agent.pair(uri, { name: 'Skewed' })).rejects.toMatchObject({ code: 'CLOCK_SKEW' });
    } finally {
      await d3.close();
      removeAll(d3.dir);
    }
  });
});
