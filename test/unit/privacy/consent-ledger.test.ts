// The consent ledger (RELIABILITY rows 48–50): grants, withdrawal, expiry, notice changes,
// drops, and tamper detection that points at the first bad record.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as notices from '../../../common/notices';
import { ConsentLedger } from '../../../main/core/privacy/consent-ledger';
import { coarsen, gateLocation } from '../../../main/core/privacy/location-gate';
import { openIndexDb } from '../../../main/core/vault/index-db';
import { coreSchema } from '../../../main/core/vault/migrations/0010-core-schema';
import { privacyLedgers } from '../../../main/core/vault/migrations/0800-privacy-ledgers';
import type { Db } from '../../../main/core/vault/sql';
import { tempHome } from '../../support/temp-home';

const HOUR = 3_600_000;

describe('consent ledger', () => {
  let home: ReturnType<typeof tempHome>;
  let db: Db;
  let now: number;
  let ledger: ConsentLedger;
  const key = randomBytes(32);

  beforeEach(() => {
    home = tempHome();
    db = openIndexDb(join(home.path, 'index.db'), randomBytes(32), { migrations: [coreSchema, privacyLedgers] });
    now = 1_700_000_000_000;
    ledger = new ConsentLedger(db, key, () => now);
  });
  afterEach(() => {
    db.close();
    home.remove();
    vi.restoreAllMocks();
  });

  const grantLocation = (precision: 'precise' | 'approximate' | 'none', recipient = 'phone-new') =>
    ledger.grant({ subject: 'location', purpose: 'recovery:r1', recipient, precision, expiresAt: now + HOUR });

  it('shares precise location only under a live precise consent', () => {
    grantLocation('precise');
    expect(gateLocation(ledger, 'recovery:r1', 'phone-new', { lat: 48.858844, lon: 2.294351 })).toEqual({ shared: true, point: { lat: 48.858844, lon: 2.294351 }, precision: 'precise' });
  });

  it('drops location with no consent and records the drop (row 48)', () => {
    const r = gateLocation(ledger, 'recovery:r1', 'phone-new', { lat: 1, lon: 2 });
    expect(r).toEqual({ shared: false, reason: 'no consent was given' });
    const drop = ledger.list().at(-1)!;
    expect(drop.action).toBe('dropped');
    expect(drop.details).toMatchObject({ reason: 'no consent was given' });
    expect(JSON.stringify(ledger.list())).not.toContain('"lat"');
  });

  it('coarsens precise data under an approximate consent, never upgrades it (row 48)', () => {
    grantLocation('approximate');
    const r = gateLocation(ledger, 'recovery:r1', 'phone-new', { lat: 48.858844, lon: 2.294351 });
    expect(r).toEqual({ shared: true, point: { lat: 48.86, lon: 2.29 }, precision: 'approximate' });
    expect(coarsen({ lat: -33.868820, lon: 151.209295 })).toEqual({ lat: -33.87, lon: 151.21 });
  });

  it('drops location for a recipient or purpose the consent does not name (row 48)', () => {
    grantLocation('precise', 'phone-new');
    expect(gateLocation(ledger, 'recovery:r1', 'someone-else', { lat: 1, lon: 2 })).toMatchObject({ shared: false, reason: 'no consent for this purpose and recipient' });
    expect(gateLocation(ledger, 'advertising', 'phone-new', { lat: 1, lon: 2 })).toMatchObject({ shared: false });
  });

  it('stops sharing once the consent expires or is withdrawn (row 49)', () => {
    const g = grantLocation('precise');
    now += HOUR + 1;
    expect(gateLocation(ledger, 'recovery:r1', 'phone-new', { lat: 1, lon: 2 })).toEqual({ shared: false, reason: 'it has expired' });
    now -= 2;
    const g2 = grantLocation('precise');
    ledger.withdraw(g2.id);
    expect(gateLocation(ledger, 'recovery:r1', 'phone-new', { lat: 1, lon: 2 })).toEqual({ shared: false, reason: 'it was withdrawn' });
    expect(() => ledger.withdraw(g2.id)).toThrow(/already ended/);
    expect(ledger.list().filter((r) => r.action === 'withdrawn')).toHaveLength(1);
    expect(g.id).not.toBe(g2.id);
  });

  it('requires fresh consent when a later notice reduces rights (row 50)', () => {
    grantLocation('precise');
    vi.spyOn(notices, 'consentSurvivesNotice').mockReturnValue(false);
    expect(ledger.active('location', 'recovery:r1', 'phone-new')).toEqual({ live: false, reason: 'the notice changed and needs fresh consent' });
  });

  it('refuses open-ended location consent and consents that already ended', () => {
    expect(() => ledger.grant({ subject: 'location', purpose: 'p', recipient: 'r', precision: 'precise', expiresAt: null })).toThrow(/end time/);
    expect(() => ledger.grant({ subject: 'location', purpose: 'p', recipient: 'r', precision: 'precise', expiresAt: now - 1 })).toThrow(/future/);
  });

  it('verifies an untouched ledger and refuses UPDATE/DELETE through SQL', () => {
    grantLocation('precise');
    ledger.recordDrop('location', 'x', 'y', 'test');
    expect(ledger.verify()).toEqual({ ok: true, count: 2 });
    expect(() => db.exec(`UPDATE consent_records SET precision = 'precise'`)).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM consent_records`)).toThrow(/append-only/);
  });

  describe('tampering (an attacker with SQL access drops the triggers first)', () => {
    beforeEach(() => {
      grantLocation('approximate');
      grantLocation('precise', 'phone-b');
      ledger.recordDrop('location', 'recovery:r1', 'phone-c', 'no consent was given');
      grantLocation('none', 'phone-d');
      db.exec('DROP TRIGGER consent_records_no_update; DROP TRIGGER consent_records_no_delete;');
    });

    it('an edited record is named', () => {
      db.exec(`UPDATE consent_records SET precision = 'precise' WHERE seq = 1`);
      expect(ledger.verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
    });

    it('a deleted record is named', () => {
      db.exec(`DELETE FROM consent_records WHERE seq = 2`);
      expect(ledger.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
    });

    it('reordered records are named', () => {
      db.exec(`UPDATE consent_records SET seq = 100 WHERE seq = 2; UPDATE consent_records SET seq = 2 WHERE seq = 3; UPDATE consent_records SET seq = 3 WHERE seq = 100;`);
      expect(ledger.verify()).toMatchObject({ ok: false, firstBadSeq: 2 });
    });

    it('records cut off the end are detected', () => {
      db.exec(`DELETE FROM consent_records WHERE seq = 4`);
      const v = ledger.verify();
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.reason).toMatch(/should hold 4 records but holds 3/);
    });

    it('a record forged without the ledger key is named', () => {
      const forger = new ConsentLedger(db, randomBytes(32), () => now);
      forger.grant({ subject: 'location', purpose: 'recovery:r1', recipient: 'attacker', precision: 'precise', expiresAt: now + HOUR });
      expect(ledger.verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
    });
  });
});
