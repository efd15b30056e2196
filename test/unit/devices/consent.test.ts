// Consent gating on a real gateway: location reports are dropped (and the drop recorded,
// without coordinates) unless a live consent allows them, and approximate-only consent
// coarsens; a child's device syncs nothing until a guardian consent is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsentDecision, ConsentGate, ConsentQuery } from '../../../main/core/devices/consent';
import { CHILD_SYNC_PURPOSE, DEVICE_LOCATION_PURPOSE, deviceRecipient, LedgerConsentGate } from '../../../main/core/devices/ledger-consent-gate';
import { ConsentLedger } from '../../../main/core/privacy/consent-ledger';
import { purposeKey } from '../../../main/core/vault/keys/purpose-keys';
import { buildPhoneFolder } from './support/phone-fixture';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

/** A ledger stand-in with explicit grants (the real ledger arrives with the recovery issue). */
class GrantTable implements ConsentGate {
  grants = new Map<string, ConsentDecision>();
  check(q: ConsentQuery): ConsentDecision {
    return this.grants.get(`${q.deviceId}/${q.purpose}`) ?? { allowed: false, reason: 'no live consent' };
  }
}

describe('consent gates', () => {
  let desktop: Desktop;
  const gate = new GrantTable();

  beforeAll(async () => {
    desktop = await startDesktop({ consent: gate });
  });
  afterAll(async () => {
    await desktop.close();
    removeAll(desktop.dir);
  });

  it('location without consent is dropped and the drop is logged', async () => {
    const agent = await pairedAgent(desktop, tempDir('keepsake-phone-'));
    const id = agent.state.state.desktop?.deviceId ?? '';
    const r = await agent.reportLocation([{ lat: 48.8584, lon: 2.2945, accuracy: 5, at: Date.now() }]);
    expect(r).toEqual({ accepted: 0, dropped: 1, reason: 'no live consent' });
    expect(desktop.vault.listItems({ category: 'location' })).toHaveLength(0);
    const drops = desktop.devices.syncStore.locationDrops(id);
    expect(drops).toEqual([expect.objectContaining({ reports: 1, reason: 'no live consent' })]);
    expect(JSON.stringify(drops)).not.toContain('48.85');
  });

  it('approximate-only consent stores coarsened coordinates, never precise ones', async () => {
    const agent = await pairedAgent(desktop, tempDir('keepsake-phone-'));
    const id = agent.state.state.desktop?.deviceId ?? '';
    gate.grants.set(`${id}/location`, { allowed: true, consentId: 'c-1', precision: 'approximate' });
    const r = await agent.reportLocation([{ lat: 48.858412, lon: 2.294543, accuracy: 5, at: 1_700_000_000_000 }]);
    expect(r.accepted).toBe(1);
    const item = desktop.vault.listItems({ category: 'location', deviceId: id })[0];
    const rec = desktop.vault.getItem(item?.id ?? '');
    expect(rec?.location).toEqual({ lat: 48.86, lon: 2.29 });
    expect(rec?.fields).toMatchObject({ precision: 'approximate', consentId: 'c-1' });
  });

  it("a child's device syncs nothing until a guardian consent is recorded", async () => {
    const phone = tempDir('keepsake-phone-');
    const files = buildPhoneFolder(phone).files;
    const agent = await pairedAgent(desktop, phone, "Sam's phone");
    const id = agent.state.state.desktop?.deviceId ?? '';
    expect(desktop.devices.setOptions(id, { child: true }).child).toBe(true);
    const blocked = await agent.sync();
    expect(blocked.blocked).toMatch(/guardian/);
    expect(blocked.acked).toBe(0);
    expect(desktop.vault.listItems({ deviceId: id })).toHaveLength(0);
    gate.grants.set(`${id}/child-sync`, { allowed: true, consentId: 'g-1' });
    const ok = await agent.sync();
    expect(ok.blocked).toBeNull();
    expect(ok.acked).toBe(files.length);
  });
});

describe('consent gates over the real consent ledger', () => {
  let desktop: Desktop;
  let ledger: ConsentLedger;

  beforeAll(async () => {
    let vaultRef: Desktop['vault'] | null = null;
    const gate = new LedgerConsentGate(() => {
      if (!vaultRef) throw new Error('vault not open');
      return new ConsentLedger(vaultRef.indexDb, purposeKey(vaultRef.masterKey, 'ledger'), Date.now);
    });
    desktop = await startDesktop({ consent: gate });
    vaultRef = desktop.vault;
    ledger = new ConsentLedger(desktop.vault.indexDb, purposeKey(desktop.vault.masterKey, 'ledger'), Date.now);
  });
  afterAll(async () => {
    await desktop.close();
    removeAll(desktop.dir);
  });

  it('a time-boxed approximate grant admits coarsened location; withdrawing it drops the next report into the ledger', async () => {
    const agent = await pairedAgent(desktop, tempDir('keepsake-phone-'));
    const id = agent.state.state.desktop?.deviceId ?? '';
    const grant = ledger.grant({ subject: 'location', purpose: DEVICE_LOCATION_PURPOSE, recipient: deviceRecipient(id), precision: 'approximate', expiresAt: Date.now() + 3_600_000 });
    const ok = await agent.reportLocation([{ lat: 51.500729, lon: -0.124625, accuracy: 3, at: 1_700_000_000_001 }]);
    expect(ok.accepted).toBe(1);
    const rec = desktop.vault.getItem(desktop.vault.listItems({ category: 'location', deviceId: id })[0]?.id ?? '');
    expect(rec?.location).toEqual({ lat: 51.5, lon: -0.12 });
    ledger.withdraw(grant.id);
    const dropped = await agent.reportLocation([{ lat: 51.5, lon: -0.12, accuracy: 3, at: 1_700_000_000_002 }]);
    expect(dropped).toMatchObject({ accepted: 0, dropped: 1, reason: 'it was withdrawn' });
    const drops = ledger.list().filter((r) => r.action === 'dropped' && r.recipient === deviceRecipient(id));
    expect(drops).toHaveLength(1);
    expect(ledger.verify().ok).toBe(true);
  });

  it("a guardian's child-data grant opens a child's device", async () => {
    const phone = tempDir('keepsake-phone-');
    buildPhoneFolder(phone);
    const agent = await pairedAgent(desktop, phone, "Kid's phone");
    const id = agent.state.state.desktop?.deviceId ?? '';
    desktop.devices.setOptions(id, { child: true });
    expect((await agent.sync()).blocked).toMatch(/no consent was given/);
    ledger.grant({ subject: 'child-data', purpose: CHILD_SYNC_PURPOSE, recipient: deviceRecipient(id), precision: 'none', expiresAt: null });
    const s = await agent.sync();
    expect(s.blocked).toBeNull();
    expect(s.acked).toBeGreaterThan(0);
  });
});
