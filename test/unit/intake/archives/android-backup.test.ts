// Android `adb backup` .ab files: the real fixtures (plain and AES-256, password "test"),
// wrong and missing passwords, a truncated file, and a synthetic backup that carries the
// forms we interpret (telephony JSON, contacts2.db, calllog.db, a photo, a vCard).
import Database from 'better-sqlite3-multiple-ciphers';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { androidBackupImporter } from '../../../../main/core/intake/archives/containers';
import { bufferInput, fileInput } from '../../../../main/core/intake/archives/inputs';
import { abOf, countBy, runImporter, tarOf, tempDataFolder } from './helpers';

const FIX = '/work/shared/fixtures/backups';
let data: ReturnType<typeof tempDataFolder>;
beforeEach(() => {
  data = tempDataFolder();
});
afterEach(() => data.cleanup());

function expectFixtureItems(items: Awaited<ReturnType<typeof runImporter>>['items']): void {
  expect(countBy(items)).toEqual({ file: 4 });
  const byPath = new Map(items.map((i) => [i.fields.path as string, i]));
  expect([...byPath.keys()].sort()).toEqual([
    'apps/eu.bluec0re.android-backup/_manifest',
    'apps/eu.bluec0re.android-backup/db/foo.db',
    'apps/eu.bluec0re.android-backup/r/settings.cfg',
    'apps/eu.bluec0re.android-backup/sp/foo.xml',
  ]);
  const manifest = byPath.get('apps/eu.bluec0re.android-backup/_manifest')!;
  expect(manifest.personal).toBe(false);
  expect(manifest.fields).toMatchObject({ package: 'eu.bluec0re.android-backup', versionCode: 6, platformSdk: 25, installer: 'com.android.vending', byteSize: 1467 });
  const settings = byPath.get('apps/eu.bluec0re.android-backup/r/settings.cfg')!;
  expect(settings.personal).toBe(true);
  expect(settings.fields.byteSize).toBe(8);
  expect(byPath.get('apps/eu.bluec0re.android-backup/db/foo.db')!.fields.byteSize).toBe(8192);
}

describe('adb backup fixtures', () => {
  it('plain v3 (compressed, unencrypted): four app files kept, manifest non-personal', async () => {
    const r = await runImporter(androidBackupImporter({ dataFolder: data.dir }), fileInput(join(FIX, 'bluec0re__test_nonenc_v3.ab')));
    expect(r.error).toBeUndefined();
    expectFixtureItems(r.items);
    expect(r.refusals).toEqual([]);
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('AES-256 v3 with password "test": the same four files', async () => {
    const r = await runImporter(androidBackupImporter({ dataFolder: data.dir, password: 'test' }), fileInput(join(FIX, 'bluec0re__test_aes256_pw-test_v3.ab')));
    expect(r.error).toBeUndefined();
    expectFixtureItems(r.items);
  });

  it('AES-256 with a wrong password: WRONG_PASSPHRASE in plain words, nothing imported', async () => {
    const r = await runImporter(androidBackupImporter({ dataFolder: data.dir, password: 'tset' }), fileInput(join(FIX, 'bluec0re__test_aes256_pw-test_v3.ab')));
    expect(r.items).toEqual([]);
    expect(r.error).toMatchObject({ code: 'WRONG_PASSPHRASE', message: expect.stringMatching(/password .* is wrong/) });
    expect(data.stagingLeftovers()).toEqual([]);
  });

  it('AES-256 without a password asks for one', async () => {
    const prev = process.env.KEEPSAKE_AB_PASSWORD;
    delete process.env.KEEPSAKE_AB_PASSWORD;
    try {
      const r = await runImporter(androidBackupImporter({ dataFolder: data.dir }), fileInput(join(FIX, 'bluec0re__test_aes256_pw-test_v3.ab')));
      expect(r.error).toMatchObject({ code: 'WRONG_PASSPHRASE', message: expect.stringMatching(/encrypted/) });
    } finally {
      if (prev !== undefined) process.env.KEEPSAKE_AB_PASSWORD = prev;
    }
  });

  it('KEEPSAKE_AB_PASSWORD supplies the password', async () => {
    process.env.KEEPSAKE_AB_PASSWORD = 'test';
    try {
      const r = await runImporter(androidBackupImporter({ dataFolder: data.dir }), fileInput(join(FIX, 'bluec0re__test_aes256_pw-test_v3.ab')));
      expect(r.items).toHaveLength(4);
    } finally {
      delete process.env.KEEPSAKE_AB_PASSWORD;
    }
  });

  it('a truncated backup: CORRUPT with a clear reason, no crash', async () => {
    const bytes = readFileSync(join(FIX, 'bluec0re__test_nonenc_v3.ab'));
    const r = await runImporter(androidBackupImporter({ dataFolder: data.dir }), bufferInput('cut.ab', bytes.subarray(0, 200)));
    expect(r.error).toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/cut off|damaged/) });
  });

  it('not a backup: UNSUPPORTED', async () => {
    const r = await runImporter(androidBackupImporter({ dataFolder: data.dir }), bufferInput('x.ab', Buffer.from('PK\u0003\u0004 not a backup')));
    expect(r.error).toMatchObject({ code: 'UNSUPPORTED', message: 'This is not an Android backup (.ab) file.' });
  });
});

describe('synthetic adb backup with known app data', () => {
  it('extracts SMS/MMS (telephony JSON), contacts and calls (SQLite), a photo and a vCard; keeps the rest', async () => {
    const sms = deflateSync(
      Buffer.from(
        JSON.stringify([
          { address: '+15551234567', body: 'Hello from the backup', date: 1700000000000, type: 1, read: 1 },
          { address: '+15557654321', body: 'Sent one', date: 1700000100000, type: 2, read: 1 },
        ]),
      ),
    );
    const mms = deflateSync(Buffer.from(JSON.stringify([{ date: 1700000200, msg_box: 1, mms_addresses: [{ address: '+15550001111', type: 137 }], mms_body: 'Picture caption', sub: 'Trip' }])));
    const dbPath = join(data.dir, 'contacts2.db');
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY, mimetype TEXT);
      CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, deleted INTEGER DEFAULT 0);
      CREATE TABLE data (_id INTEGER PRIMARY KEY, raw_contact_id INTEGER, mimetype_id INTEGER, data1 TEXT, data2 TEXT, data3 TEXT);
      CREATE TABLE calls (_id INTEGER PRIMARY KEY, number TEXT, date INTEGER, duration INTEGER, type INTEGER, name TEXT);
      INSERT INTO mimetypes VALUES (1,'vnd.android.cursor.item/name'),(2,'vnd.android.cursor.item/phone_v2'),(3,'vnd.android.cursor.item/email_v2');
      INSERT INTO raw_contacts VALUES (1,0),(2,1);
      INSERT INTO data VALUES (1,1,1,'Ada Lovelace',NULL,NULL),(2,1,2,'+441234567890',NULL,NULL),(3,1,3,'ada@example.org',NULL,NULL),(4,2,1,'Deleted Person',NULL,NULL);
      INSERT INTO calls VALUES (1,'+441234567890',1700000300000,61,2,'Ada Lovelace');`);
    db.close();
    const jpeg = readFileSync('/work/shared/fixtures/photos/exifr__IMG_20180725_163423-tiny.jpg');
    const tarBytes = await tarOf([
      { name: 'apps/com.android.providers.telephony/_manifest', data: Buffer.from('1\ncom.android.providers.telephony\n29\n29\n\n0\n0\n') },
      { name: 'apps/com.android.providers.telephony/d_f/000000_sms_backup', data: sms },
      { name: 'apps/com.android.providers.telephony/d_f/000000_mms_backup', data: mms },
      { name: 'apps/com.android.providers.contacts/db/contacts2.db', data: readFileSync(dbPath) },
      { name: 'shared/0/DCIM/Camera/IMG_20180725_163423.jpg', data: jpeg },
      { name: 'shared/0/Download/friends.vcf', data: Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nTEL:+15550002222\r\nEND:VCARD\r\n') },
      { name: 'apps/com.example.notes/f/notes.bin', data: Buffer.from([1, 2, 3, 4]) },
      { name: '../../escape.txt', data: Buffer.from('nope') },
      { name: 'apps/x/link', data: Buffer.alloc(0), type: 'symlink', linkname: '/etc/passwd' },
    ]);
    writeFileSync(join(data.dir, 'synthetic.ab'), abOf(tarBytes));
    const r = await runImporter(androidBackupImporter({ dataFolder: data.dir }), fileInput(join(data.dir, 'synthetic.ab')));
    expect(r.error).toBeUndefined();
    // 2 SMS + 1 MMS; 1 contact from SQLite + 1 from the vCard; 1 call; 1 photo;
    // files: 2 manifests... (1 here), telephony d_f x2 and contacts2.db kept as originals, notes.bin
    expect(countBy(r.items)).toEqual({ message: 3, contact: 2, call: 1, photo: 1, file: 5 });
    const texts = r.items.filter((i) => i.category === 'message').map((i) => i.fields.body);
    expect(texts).toEqual(['Hello from the backup', 'Sent one', 'Picture caption']);
    const first = r.items.find((i) => i.fields.body === 'Hello from the backup')!;
    expect(first).toMatchObject({ occurredAt: 1700000000000, fields: { direction: 'received', address: '+15551234567' } });
    const mmsItem = r.items.find((i) => i.fields.kind === 'mms')!;
    expect(mmsItem.occurredAt).toBe(1700000200000);
    const ada = r.items.find((i) => i.category === 'contact' && i.fields.name === 'Ada Lovelace')!;
    expect(ada.fields).toMatchObject({ phones: ['+441234567890'], emails: ['ada@example.org'] });
    expect(r.items.some((i) => i.title === 'Deleted Person')).toBe(false);
    const call = r.items.find((i) => i.category === 'call')!;
    expect(call).toMatchObject({ occurredAt: 1700000300000, fields: { kind: 'outgoing', durationSeconds: 61, contactName: 'Ada Lovelace' } });
    const photo = r.items.find((i) => i.category === 'photo')!;
    expect(photo.fields.camera).toEqual({ make: 'Google', model: 'Pixel' });
    expect(r.items.some((i) => i.category === 'contact' && /Grace Hopper/.test(i.title ?? ''))).toBe(true);
    expect(r.refusals.map((x) => x.position)).toEqual(['../../escape.txt', 'apps/x/link']);
    expect(r.refusals[0]!.reason).toMatch(/outside the archive/);
    expect(data.stagingLeftovers()).toEqual([]);
  });
});
