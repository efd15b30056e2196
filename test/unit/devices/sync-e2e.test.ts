// Agent ↔ gateway end to end on loopback: pair by QR payload, first sync of a phone
// folder built from real fixtures, incremental sync that sends only the change, phone
// deletions that keep the archive (and erase it when the device option says so), exports
// read into records, and a restore pulled back onto a phone.
import { appendFileSync, existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeepsakeAgent } from '../../../agent/src/agent';
import { sha256File } from '../../../agent/src/scan';
import { buildPhoneFolder } from './support/phone-fixture';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

describe('agent ↔ gateway sync on loopback', () => {
  let desktop: Desktop;
  let phone: string;
  let agent: KeepsakeAgent;
  let files: string[];

  beforeAll(async () => {
    desktop = await startDesktop();
    phone = tempDir('keepsake-phone-');
    files = buildPhoneFolder(phone).files;
    agent = await pairedAgent(desktop, phone, 'Pixel test');
  });
  afterAll(async () => {
    await desktop.close();
    removeAll(desktop.dir, phone);
  });

  it('pairs: both sides pin each other', () => {
    const list = desktop.devices.list();
    expect(list).toHaveLength(1);
    expect(list[0]?.name).toBe('Pixel test');
    expect(list[0]?.pinnedFingerprint).toBe(agent.state.state.identity?.fingerprint);
    expect(agent.state.state.desktop?.fingerprint).toBe(desktop.devices.identity().fingerprint);
  });

  it('first sync stores every file durably and acknowledges each one', async () => {
    const s = await agent.sync();
    expect(s.blocked).toBeNull();
    expect(s.scanned).toBe(files.length);
    expect(s.needed).toBe(files.length);
    expect(s.notAcked).toEqual([]);
    expect(s.acked).toBe(files.length);
    expect([...agent.state.acked.keys()].sort()).toEqual([...files].sort());
    // Each acknowledged file is in the vault with identical bytes.
    const items = desktop.vault.listItems({ deviceId: agent.state.state.desktop?.deviceId ?? '', limit: 1000 });
    const photo = items.find((i) => i.title === 'IMG_0001.heic');
    expect(photo?.category).toBe('photo');
    const chunks: Buffer[] = [];
    for await (const c of desktop.vault.readFile(photo?.id ?? '')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(readFileSync(join(phone, 'DCIM/Camera/IMG_0001.heic')))).toBe(true);
    expect(items.find((i) => i.title === 'Screenshot_20180725.png')?.category).toBe('screenshot');
    // Exports are kept as files and read into records with the intake parsers.
    expect(items.find((i) => i.title === 'sms.xml')?.category).toBe('file');
    const cats = new Set(items.map((i) => i.category));
    for (const c of ['message', 'contact', 'event', 'note', 'call']) expect(cats).toContain(c);
    const stats = desktop.devices.list()[0]?.stats ?? [];
    expect(stats.find((x) => x.category === 'photo')?.items).toBe(4);
    expect(desktop.devices.list()[0]?.lastSyncAt).not.toBeNull();
  });

  it('an incremental sync transfers only the change', async () => {
    appendFileSync(join(phone, 'notes', 'shopping.txt'), 'Coffee\n');
    const s = await agent.sync();
    expect(s.offered).toBe(1);
    expect(s.needed).toBe(1);
    expect(s.uploadedBytes).toBe(readFileSync(join(phone, 'notes', 'shopping.txt')).length);
    expect(s.acked).toBe(1);
    const again = await agent.sync();
    expect(again.offered).toBe(0);
    expect(again.uploadedBytes).toBe(0);
  });

  it('a deletion on the phone keeps the archive by default', async () => {
    const before = desktop.vault.stats().items;
    unlinkSync(join(phone, 'DCIM/Camera/IMG_0002.jpg'));
    const s = await agent.sync();
    expect(s.removedReported).toBe(1);
    expect(desktop.vault.stats().items).toBe(before);
    expect(agent.state.acked.has('DCIM/Camera/IMG_0002.jpg')).toBe(false);
  });

  it('with "deletions follow the phone" a deletion erases the archived item', async () => {
    const device = desktop.devices.list()[0];
    desktop.devices.setOptions(device?.id ?? '', { deleteFollowsPhone: true });
    const before = desktop.vault.stats().items;
    unlinkSync(join(phone, 'DCIM/Camera/gps.png'));
    await agent.sync();
    expect(desktop.vault.stats().items).toBe(before - 1);
    expect(desktop.vault.stats().tombstones).toBeGreaterThan(0);
    desktop.devices.setOptions(device?.id ?? '', { deleteFollowsPhone: false });
  });

  it('receives a restore offered by the desktop, verified and confined to the phone folder', async () => {
    const deviceId = agent.state.state.desktop?.deviceId ?? '';
    const items = desktop.vault.listItems({ deviceId, limit: 1000 });
    const photo = items.find((i) => i.title === 'IMG_0001.heic');
    const hash = await sha256File(join(phone, 'DCIM/Camera/IMG_0001.heic'));
    const size = readFileSync(join(phone, 'DCIM/Camera/IMG_0001.heic')).length;
    rmSync(join(phone, 'DCIM/Camera/IMG_0001.heic'));
    desktop.devices.offerRestore(deviceId, [
      { offerId: 'r1', vaultItemId: photo?.id ?? '', category: 'photo', path: 'DCIM/Restored/IMG_0001.heic', size, hash, modified: 0 },
      { offerId: 'r2', vaultItemId: photo?.id ?? '', category: 'photo', path: '../escape.heic', size, hash, modified: 0 },
    ]);
    const r = await agent.restore();
    expect(r.written).toBe(1);
    expect(r.refused.map((x) => x.path)).toEqual(['../escape.heic']);
    expect(await sha256File(join(phone, 'DCIM/Restored/IMG_0001.heic'))).toBe(hash);
    expect(existsSync(join(phone, '..', 'escape.heic'))).toBe(false);
    const again = await agent.restore();
    expect(again.offered).toBe(1); // only the refused one is still offered
  });
});
