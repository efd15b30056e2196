// iPhone/Finder/iTunes backup folders. No public iOS backup is among the fixtures, so this
// test BUILDS a small, schema-faithful fake backup: Manifest.db with the Files table
// (fileID = SHA-1 of "<domain>-<relativePath>", files stored at xx/<fileID>), and the
// tables and columns Keepsake reads from sms.db (message, handle), AddressBook.sqlitedb
// (ABPerson, ABMultiValue), Calendar.sqlitedb (CalendarItem, Location, Calendar) and
// NoteStore.sqlite (ZICCLOUDSYNCINGOBJECT), with a real JPEG in the Camera Roll. Schemas as
// documented by forensic tools that read real backups (iLEAPP's artifact parsers,
// libimobiledevice's backup layout) and as seen in Apple's own databases; only the columns
// read are created, plus a few others to show extra columns are ignored.
import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileInput } from '../../../../main/core/intake/archives/inputs';
import { iosBackupImporter, isIosBackupFolder } from '../../../../main/core/intake/archives/ios-backup';
import { countBy, runImporter, tempDataFolder } from './helpers';

const APPLE = 978_307_200; // 2001-01-01 in Unix seconds
let data: ReturnType<typeof tempDataFolder>;
beforeEach(() => {
  data = tempDataFolder();
});
afterEach(() => data.cleanup());

function buildBackup(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Manifest.plist'), '<?xml version="1.0"?><plist version="1.0"><dict><key>IsEncrypted</key><false/></dict></plist>');
  const manifest = new Database(join(dir, 'Manifest.db'));
  manifest.exec('CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)');
  const add = (domain: string, relativePath: string, build: (path: string) => void, flags = 1): string => {
    const id = createHash('sha1').update(`${domain}-${relativePath}`).digest('hex');
    manifest.prepare('INSERT INTO Files VALUES (?,?,?,?,?)').run(id, domain, relativePath, flags, Buffer.from('bplist00'));
    if (flags === 1) {
      mkdirSync(join(dir, id.slice(0, 2)), { recursive: true });
      build(join(dir, id.slice(0, 2), id));
    }
    return id;
  };
  add('HomeDomain', 'Library/SMS/sms.db', (p) => {
    const db = new Database(p);
    db.exec(`CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT, service TEXT);
      CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER, date INTEGER, is_from_me INTEGER, service TEXT, cache_has_attachments INTEGER);
      CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, chat_identifier TEXT);
      CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);
      INSERT INTO handle VALUES (1, '+15551230000', 'iMessage'), (2, 'ada@example.org', 'iMessage');
      INSERT INTO message VALUES (1, 'GUID-1', 'Dinner at 8?', 1, ${(1700000000 - APPLE) * 1e9}, 0, 'iMessage', 0);
      INSERT INTO message VALUES (2, 'GUID-2', 'Yes!', 1, ${(1700000060 - APPLE) * 1e9}, 1, 'iMessage', 0);
      INSERT INTO message VALUES (3, 'GUID-3', 'Old SMS', 2, ${1400000000 - APPLE}, 0, 'SMS', 0);`);
    db.close();
  });
  add('HomeDomain', 'Library/AddressBook/AddressBook.sqlitedb', (p) => {
    const db = new Database(p);
    db.exec(`CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, Last TEXT, Organization TEXT, Note TEXT);
      CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT);
      INSERT INTO ABPerson VALUES (1, 'Grace', 'Hopper', 'US Navy', NULL);
      INSERT INTO ABMultiValue VALUES (1, 1, 3, 0, 1, '+1 555 000 2222'), (2, 1, 4, 0, 2, 'grace@example.org');`);
    db.close();
  });
  add('HomeDomain', 'Library/Calendar/Calendar.sqlitedb', (p) => {
    const db = new Database(p);
    db.exec(`CREATE TABLE Calendar (ROWID INTEGER PRIMARY KEY, title TEXT);
      CREATE TABLE Location (ROWID INTEGER PRIMARY KEY, title TEXT);
      CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT, description TEXT, start_date REAL, end_date REAL, all_day INTEGER, calendar_id INTEGER, location_id INTEGER, unique_identifier TEXT);
      INSERT INTO Calendar VALUES (1, 'Home');
      INSERT INTO Location VALUES (1, 'Royal Albert Hall');
      INSERT INTO CalendarItem VALUES (1, 'Concert', 'Bring tickets', ${1700100000 - APPLE}, ${1700107200 - APPLE}, 0, 1, 1, 'EVT-1');`);
    db.close();
  });
  add('AppDomainGroup-group.com.apple.notes', 'NoteStore.sqlite', (p) => {
    const db = new Database(p);
    db.exec(`CREATE TABLE ZICCLOUDSYNCINGOBJECT (Z_PK INTEGER PRIMARY KEY, ZIDENTIFIER TEXT, ZTITLE1 TEXT, ZSNIPPET TEXT, ZCREATIONDATE1 REAL, ZMODIFICATIONDATE1 REAL, ZNOTEDATA INTEGER);
      INSERT INTO ZICCLOUDSYNCINGOBJECT VALUES (1, 'NOTE-1', 'Shopping', 'milk, eggs', ${1700200000 - APPLE}, NULL, 1), (2, 'FOLDER-1', NULL, NULL, NULL, NULL, NULL);`);
    db.close();
  });
  const jpeg = readFileSync('/work/shared/fixtures/photos/exifr__IMG_20180725_163423-tiny.jpg');
  add('CameraRollDomain', 'Media/DCIM/100APPLE/IMG_0001.JPG', (p) => writeFileSync(p, jpeg));
  add('CameraRollDomain', 'Media/DCIM/100APPLE', () => undefined, 2);
  add('AppDomain-com.example.app', 'Documents/state.bin', (p) => writeFileSync(p, Buffer.from([9, 9, 9])));
  // Listed but missing from the folder: reported, not fatal.
  manifest.prepare('INSERT INTO Files VALUES (?,?,?,?,?)').run('ab'.repeat(20), 'HomeDomain', 'Library/missing.db', 1, null);
  manifest.close();
}

describe('iPhone backup folder', () => {
  it('messages, contacts, calendar, notes and camera roll from a schema-faithful fake backup', async () => {
    const dir = join(data.inputs, '00008030-001A');
    buildBackup(dir);
    expect(isIosBackupFolder(dir)).toBe(true);
    const r = await runImporter(iosBackupImporter, fileInput(join(dir, 'Manifest.db')));
    expect(r.error).toBeUndefined();
    expect(countBy(r.items)).toEqual({ message: 3, contact: 1, event: 1, note: 1, photo: 1, file: 5 });
    const msgs = r.items.filter((i) => i.category === 'message');
    expect(msgs.map((m) => [m.fields.body, m.fields.direction, m.occurredAt])).toEqual([
      ['Old SMS', 'received', 1400000000000],
      ['Dinner at 8?', 'received', 1700000000000],
      ['Yes!', 'sent', 1700000060000],
    ]);
    expect(msgs[1]!.sourceKey).toBe('imessage:GUID-1');
    const grace = r.items.find((i) => i.category === 'contact')!;
    expect(grace.fields).toMatchObject({ name: 'Grace Hopper', organization: 'US Navy', phones: ['+1 555 000 2222'], emails: ['grace@example.org'] });
    const concert = r.items.find((i) => i.category === 'event')!;
    expect(concert).toMatchObject({ title: 'Concert', occurredAt: 1700100000000, fields: { location: 'Royal Albert Hall', end: 1700107200000, allDay: false } });
    const note = r.items.find((i) => i.category === 'note')!;
    expect(note).toMatchObject({ title: 'Shopping', occurredAt: 1700200000000, text: 'Shopping\nmilk, eggs' });
    const photo = r.items.find((i) => i.category === 'photo')!;
    expect(photo.fields.camera).toEqual({ make: 'Google', model: 'Pixel' });
    expect(r.refusals).toEqual([{ position: 'HomeDomain/Library/missing.db', reason: expect.stringMatching(/missing from the backup folder/) }]);
  });

  it('an encrypted (unreadable) Manifest.db is refused in plain words', async () => {
    const dir = join(data.inputs, 'enc');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Manifest.db'), Buffer.alloc(4096, 0x5a));
    const r = await runImporter(iosBackupImporter, fileInput(join(dir, 'Manifest.db')));
    expect(r.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/encrypted or damaged/) });
  });
});
