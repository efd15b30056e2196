// Origin devices (docs/intake.md, "Origin devices"): items from a backup carry its phone
// (MIUI descript.xml, the adb backup itself, a Takeout account), loose files stay "This
// computer", and an item that arrives from two sources — the same photo and the same vCard
// on this computer and inside a phone backup — is ONE item with TWO sources (one per
// device), while importing the same backup again adds nothing.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { launchImport } from '../../../main/core/intake/import-job';
import { originDevice, plistString } from '../../../main/core/intake/origin-device';
import { silentLog } from '../../../main/core/log';
import { all, get, sql } from '../../../main/core/vault/sql';
import { Vault } from '../../../main/core/vault/vault';
import { abOf, tarOf } from './archives/helpers';
import { FIXTURES } from './records/helpers';

const VCF = join(FIXTURES, 'contacts/ezvcard__gmail-list.vcf'); // 3 contacts
const PHOTO = join(FIXTURES, 'photos/exifr__IMG_20180725_163423-tiny.jpg');

let dir: string;
let core: Core;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keepsake-device-'));
  core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(core.dataFolder, 'device origin test passphrase', { fastKdfForTests: true })).vault;
});

afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

const db = () => core.vault!.indexDb;
const importAll = async (...paths: string[]) => (await launchImport(core, paths).result);

/** A MIUI backup of the contacts app holding the vCard and a photo, with descript.xml beside it. */
async function miuiBackup(): Promise<string> {
  const tar = await tarOf([
    { name: 'shared/0/Download/gmail.vcf', data: readFileSync(VCF) },
    { name: 'shared/0/DCIM/Camera/IMG_20180725_163423.jpg', data: readFileSync(PHOTO) },
  ]);
  const bak = join(dir, 'com.android.contacts.bak');
  writeFileSync(bak, Buffer.concat([Buffer.from('MIUI BACKUP\n2\ncom.android.contacts\nContacts\n-1\n'), abOf(tar)]));
  writeFileSync(join(dir, 'descript.xml'), '<?xml version="1.0"?><MIUI-backup><device>cepheus</device><deviceName>Ana’s Mi 9</deviceName><miuiVersion>V12.0.5.0</miuiVersion></MIUI-backup>');
  return bak;
}

describe('origin devices', () => {
  it('tags a backup’s items with its phone, keeps loose files on this computer, and merges the same item from both into one item with two sources', async () => {
    const loose = join(dir, 'loose');
    mkdirSync(loose);
    copyFileSync(VCF, join(loose, 'gmail.vcf'));
    copyFileSync(PHOTO, join(loose, 'IMG_20180725_163423.jpg'));
    const first = await importAll(loose);
    expect(first.totals).toEqual({ contact: 3, photo: 1 });

    const bak = await miuiBackup();
    const second = await importAll(bak);
    expect(second.files[0]).toMatchObject({ status: 'duplicate', format: 'miui-backup' });

    const device = get<{ id: string; name: string; model: string; platform: string }>(db(), sql`SELECT id, name, model, platform FROM devices WHERE id LIKE 'miui:%'`)!;
    expect(device).toMatchObject({ name: 'Ana’s Mi 9', model: 'cepheus', platform: 'android' });
    // The loose files came first, so the items stay "This computer"'s; each gained a source on the phone.
    const items = all<{ id: string; category: string; device_id: string }>(db(), sql`SELECT id, category, device_id FROM items WHERE category IN ('contact', 'photo')`);
    expect(items).toHaveLength(4);
    for (const item of items) {
      expect(item.device_id).toBe('local');
      const sources = all<{ device_id: string }>(db(), sql`SELECT device_id FROM item_sources WHERE item_id = ${item.id} ORDER BY device_id`).map((s) => s.device_id);
      expect(sources).toEqual(['local', device.id]);
    }

    // The same backup again: found by (device, source key), nothing new, no third source.
    const third = await importAll(bak);
    expect(third.files[0]?.status).toBe('duplicate');
    expect(get<{ n: number }>(db(), sql`SELECT count(*) AS n FROM item_sources s JOIN items i ON i.id = s.item_id WHERE i.category IN ('contact', 'photo')`)!.n).toBe(8);
  }, 60_000);

  it('items seen first in a backup show that phone; plain .ab backups are their own device', async () => {
    const ab = join(dir, 'pixel-2024.ab');
    writeFileSync(ab, abOf(await tarOf([{ name: 'shared/0/Download/gmail.vcf', data: readFileSync(VCF) }])));
    await importAll(ab);
    const devices = all<{ id: string; name: string }>(db(), sql`SELECT id, name FROM devices WHERE id != 'local'`);
    expect(devices).toEqual([{ id: expect.stringMatching(/^android-backup:[0-9a-f]{16}$/), name: 'Android backup pixel-2024.ab' }]);
    const contactDevices = all<{ device_id: string }>(db(), sql`SELECT DISTINCT device_id FROM items WHERE category = 'contact'`);
    expect(contactDevices).toEqual([{ device_id: devices[0]!.id }]);
    // The same bytes under another name: the same device (keyed by content, not name).
    copyFileSync(ab, join(dir, 'renamed.ab'));
    expect(await originDevice(join(dir, 'renamed.ab'), 'android-backup', readFileSync(ab))).toMatchObject({ id: devices[0]!.id });
    // A loose vCard imported after: one item, two sources, still shown on the phone.
    await importAll(VCF);
    expect(all<{ device_id: string }>(db(), sql`SELECT DISTINCT device_id FROM items WHERE category = 'contact'`)).toEqual([{ device_id: devices[0]!.id }]);
    expect(get<{ n: number }>(db(), sql`SELECT count(*) AS n FROM item_sources WHERE device_id = 'local'`)!.n).toBe(3);
  }, 60_000);

  it('names iPhone backups from Info.plist and Takeout archives by account; other files get no device', async () => {
    const ios = join(dir, '00008030-001A');
    mkdirSync(ios);
    writeFileSync(join(ios, 'Info.plist'), '<plist><dict><key>Device Name</key>\n<string>Ben’s iPhone</string><key>Product Type</key><string>iPhone12,1</string><key>Target Identifier</key><string>00008030-001A</string></dict></plist>');
    expect(await originDevice(ios, 'ios-backup', null)).toMatchObject({ name: 'Ben’s iPhone', model: 'iPhone12,1', platform: 'ios', id: expect.stringMatching(/^ios:/) });
    expect((await originDevice(join(ios, 'Manifest.db'), 'ios-backup-manifest', null))?.name).toBe('Ben’s iPhone');
    expect(await originDevice(join(dir, 'takeout-20240101T000000Z-001.zip'), 'zip', Buffer.from('PK'))).toMatchObject({ id: 'google-takeout' });
    expect(await originDevice(join(dir, 'holiday.zip'), 'zip', Buffer.from('PK\u0003\u0004....Takeout/Google Photos/'))).toMatchObject({ id: 'google-takeout' });
    expect(await originDevice(join(dir, 'holiday.zip'), 'zip', Buffer.from('PK\u0003\u0004....photos/'))).toBeNull();
    expect(await originDevice(VCF, 'vcard', null)).toBeNull();
    expect(plistString('<key>Device Name</key><string>A&amp;B</string>', 'Device Name')).toBe('A&amp;B'); // no entity expansion, kept as written
  });
});
