// Pairing sessions against a real index (SQLite in a temp folder): one-time secrets,
// expiry, replay, wrong codes burning a session, 10,000 guesses locked out (even the
// right code is then refused, and a restart does not reset the count), and the QR
// payload round trip.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDeviceSchema } from '../../../main/core/devices/migrations';
import { LOCKOUT_FAILURES, MAX_WRONG_PER_SESSION, PairingManager } from '../../../main/core/devices/pairing';
import { PairingsStore } from '../../../main/core/devices/pairings-store';
import { renderPairingQr } from '../../../main/core/devices/qr';
import { decodePairingUri, encodePairingUri } from '../../../main/core/devices/wire';
import { openIndexDb } from '../../../main/core/vault/index-db';
import type { Db } from '../../../main/core/vault/sql';
import { removeAll, tempDir } from './support/harness';

describe('pairing sessions', () => {
  let dir: string;
  let db: Db;
  let now: number;
  let store: PairingsStore;
  let mgr: PairingManager;

  beforeEach(() => {
    dir = tempDir('keepsake-pairing-');
    db = openIndexDb(`${dir}/index.db`, randomBytes(32));
    ensureDeviceSchema(db);
    now = 1_700_000_000_000;
    store = new PairingsStore(db);
    mgr = new PairingManager(store, () => now);
  });
  afterEach(() => {
    db.close();
    removeAll(dir);
  });

  it('a secret works once; a replay is refused', () => {
    const { secret } = mgr.start();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/); // 128 bits, base64url
    expect(() => mgr.redeem(secret)).not.toThrow();
    expect(() => mgr.redeem(secret)).toThrow(/already used/);
  });

  it('an expired secret is refused', () => {
    const { secret, expires } = mgr.start();
    now = expires + 1;
    expect(() => mgr.redeem(secret)).toThrow(/expired/);
  });

  it(`${MAX_WRONG_PER_SESSION} wrong codes burn the session`, () => {
    const { secret } = mgr.start();
    for (let i = 0; i < MAX_WRONG_PER_SESSION; i++) {
      now += 2000;
      expect(() => mgr.redeem(`wrong-${i}`)).toThrow(/wrong/);
    }
    now += 2000;
    expect(() => mgr.redeem(secret)).toThrow(/already used or replaced/);
  });

  it('10,000 guesses: rate-limited, then locked out even for the right code, across a restart', () => {
    const { secret } = mgr.start();
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      if (i % 3 === 0) mgr.start(); // the attacker keeps hoping a fresh session opens
      now += 50; // 10,000 guesses in 500 s: inside one lockout window
      try {
        mgr.redeem(randomBytes(16).toString('base64url'));
        outcomes.set('paired', (outcomes.get('paired') ?? 0) + 1);
      } catch (e) {
        const code = (e as { code: string }).code;
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      }
    }
    expect(outcomes.get('paired')).toBeUndefined();
    expect(outcomes.get('RATE_LIMITED')).toBeGreaterThan(9_000);
    expect(store.failuresSince(0)).toBeLessThanOrEqual(LOCKOUT_FAILURES);
    now += 10_000; // the rate limit refills; the lockout window has not passed
    const fresh = mgr.start();
    expect(() => mgr.redeem(fresh.secret)).toThrow(/locked/);
    // A restart (a new manager over the same vault) is still locked.
    const restarted = new PairingManager(new PairingsStore(db), () => now);
    now += 10_000;
    const again = restarted.start();
    expect(() => restarted.redeem(again.secret)).toThrow(/locked/);
    void secret;
    // After the window the right code works again.
    now += 16 * 60_000;
    const later = restarted.start();
    expect(() => restarted.redeem(later.secret)).not.toThrow();
  });

  it('the QR payload round-trips and renders as SVG and terminal text', async () => {
    const payload = { v: 1 as const, host: '192.168.1.20', port: 47000, fingerprint: 'ab'.repeat(32), secret: randomBytes(16).toString('base64url'), expires: now + 1000 };
    const uri = encodePairingUri(payload);
    expect(decodePairingUri(uri)).toEqual(payload);
    const qr = await renderPairingQr(payload);
    expect(qr.svg).toMatch(/^<svg/);
    expect(qr.terminal.length).toBeGreaterThan(100);
    expect(() => decodePairingUri('https://example.com')).toThrow(/not a Keepsake pairing code/);
    expect(() => decodePairingUri(uri.replace(/fp=[0-9a-f]+/, 'fp=zz'))).toThrow(/damaged/);
  });
});
