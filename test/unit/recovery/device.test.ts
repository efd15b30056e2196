// Restore to a paired new phone: the reference agent (as the new phone) pairs with the
// gateway of a real vault, the recovery offers the items, the agent pulls them (hash-checked,
// renamed into place, acknowledged) and the report counts what the phone verified. Under
// "no location" a photo that carries GPS is not offered (the protocol sends originals);
// under "precise" it is. A rerun offers nothing twice.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeepsakeAgent } from '../../../agent/src/agent';
import type { RecoveryPlan } from '../../../common/contract/recovery';
import type { Core } from '../../../main/core/core';
import { devicesFor } from '../../../main/core/devices/registry';
import { systemClock } from '../../../main/core/ports';
import { runRecovery } from '../../../main/core/recovery/recovery-job';
import { loadReport } from '../../../main/core/recovery/store';
import { all, sql } from '../../../main/core/vault/sql';
import { cleanup, FIXTURES, importPaths, newCore, quiet, tempDir } from './helpers';

const JPEG = join(FIXTURES, 'photos', 'exifr__IMG_20180725_163423-tiny.jpg');
let dir: string;
let core: Core;
let agent: KeepsakeAgent;
let phone: string;
let deviceId: string;

beforeEach(async () => {
  dir = tempDir('recovery-device');
  core = await newCore(dir, systemClock); // the agent checks the pairing expiry against real time
  await importPaths(core, [JPEG, join(FIXTURES, 'contacts', 'ezvcard__John_Doe_IPHONE.vcf')]);
  const devices = devicesFor(core);
  await devices.startGateway({ hosts: ['127.0.0.1'], port: 0 });
  phone = join(dir, 'phone');
  agent = new KeepsakeAgent(phone, join(dir, 'agent-state'));
  await agent.pair((await devices.startPairing()).uri, { name: 'New phone', kind: 'android' });
  deviceId = agent.state.state.desktop?.deviceId ?? '';
});

afterEach(async () => {
  await core.close();
  cleanup(dir);
});

const plan = (precision: 'precise' | 'none'): RecoveryPlan => ({ source: { kind: 'everything' }, target: { kind: 'device', deviceId }, location: { precision, expiresInMinutes: 30 } });

describe('recovery to a paired phone', () => {
  it('no location: the contact is restored and verified, the photo with GPS is held back with the reason', async () => {
    const r = await runRecovery(core, plan('none'), quiet);
    const photo = r.categories.find((c) => c.category === 'photo')!;
    expect(photo.written).toBe(0);
    expect(photo.skipped[0]?.reason).toMatch(/use an export bundle/);
    const pulled = await agent.restore();
    expect(pulled.written).toBe(1);
    const report = loadReport(core.vault!.indexDb, r.id);
    expect(report.categories.find((c) => c.category === 'contact')).toMatchObject({ expected: 1, written: 1, verified: 1 });
    expect(report.ok).toBe(true);
  });

  it('precise: the photo travels byte for byte; a rerun offers nothing twice', async () => {
    await runRecovery(core, plan('precise'), quiet);
    expect((await agent.restore()).written).toBe(2);
    const restored = readFileSync(join(phone, 'Photos', '2018', '07', 'exifr__IMG_20180725_163423-tiny.jpg'));
    expect(createHash('sha256').update(restored).digest('hex')).toBe(createHash('sha256').update(readFileSync(JPEG)).digest('hex'));
    const again = await runRecovery(core, plan('precise'), quiet);
    expect(again.categories.map((c) => c.written)).toEqual([1, 1]);
    expect(all(core.vault!.indexDb, sql`SELECT offer_id FROM device_restore_offers WHERE device_id = ${deviceId}`)).toHaveLength(2);
    expect((await agent.restore()).offered).toBe(0);
    expect(loadReport(core.vault!.indexDb, again.id).ok).toBe(true);
  });
});
