// iPhone/Finder/iTunes backup folders (unencrypted). [Note: iOS backup layout] The folder
// holds Manifest.db (plain SQLite: Files(fileID, domain, relativePath, flags, file)) and
// the files themselves at <fileID[0..2]>/<fileID>, fileID = SHA-1("<domain>-<relativePath>").
// We read, each opened READ-ONLY with query_only and trusted_schema off:
//   HomeDomain Library/SMS/sms.db                 message, handle (+ chat joins)
//   HomeDomain Library/AddressBook/AddressBook.sqlitedb   ABPerson, ABMultiValue (3 phone, 4 e-mail)
//   HomeDomain Library/Calendar/Calendar.sqlitedb         CalendarItem, Location, Calendar
//   AppDomainGroup-group.com.apple.notes NoteStore.sqlite ZICCLOUDSYNCINGOBJECT (title + snippet:
//     the body itself is a gzipped protobuf in ZICNOTEDATA, kept as the original file)
//   CameraRollDomain Media/DCIM/**                        → the photo/video importer
// Dates are Apple "Core Data" times: seconds since 2001-01-01 (sms.db since iOS 11: ns).
// Everything else in the backup is kept as opaque 'file' items. Encrypted backups are
// refused with a plain reason (Manifest.db is then not a readable database).
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import { importMedia } from '../media/media-importer';
import { sniffMedia } from '../media/sniff';
import { hashKey } from '../records/util';
import type { ImportContext, ImportInput, Importer, ParsedItem } from '../types';
import { fileInput } from './inputs';
import { opaqueItem } from './opaque';
import { sanitizeEntryName } from './safe-name';
import type { TreeEntry } from './tree';

const APPLE_EPOCH_MS = 978_307_200_000;

interface ManifestFile {
  fileID: string;
  domain: string;
  relativePath: string;
}

/** True when a folder looks like an iOS backup (so a folder walker hands it over whole). */
export function isIosBackupFolder(dir: string): boolean {
  return existsSync(join(dir, 'Manifest.db')) && (existsSync(join(dir, 'Manifest.plist')) || existsSync(join(dir, 'Info.plist')));
}

function openReadOnly(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  db.pragma('trusted_schema = OFF');
  return db;
}

function appleTime(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n === 0) return undefined;
  const seconds = Math.abs(n) > 1e11 ? n / 1e9 : n; // iOS 11+ sms.db stores nanoseconds
  return Math.round(APPLE_EPOCH_MS + seconds * 1000);
}

function s(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function readManifest(dir: string): ManifestFile[] {
  let db: Database.Database;
  try {
    db = openReadOnly(join(dir, 'Manifest.db'));
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch {
    throw new KeepsakeError('UNSUPPORTED', 'This iPhone backup cannot be read: its Manifest.db is encrypted or damaged. Encrypted iPhone backups are not supported yet; make an unencrypted backup in Finder/iTunes.');
  }
  try {
    // flags: 1 = file, 2 = directory, 4 = symlink
    return db.prepare('SELECT fileID, domain, relativePath FROM Files WHERE flags = 1').all() as ManifestFile[];
  } catch {
    throw new KeepsakeError('CORRUPT', 'This iPhone backup\'s Manifest.db has no Files table; it is not a backup Keepsake recognises.');
  } finally {
    db.close();
  }
}

function* smsItems(db: Database.Database): Generator<ParsedItem> {
  const rows = db
    .prepare(
      `SELECT m.ROWID AS id, m.guid AS guid, m.text AS text, m.date AS date, m.is_from_me AS fromMe, m.service AS service, h.id AS handle
       FROM message m LEFT JOIN handle h ON h.ROWID = m.handle_id ORDER BY m.date`,
    )
    .iterate() as Iterable<Record<string, unknown>>;
  for (const r of rows) {
    const at = appleTime(r.date);
    const address = s(r.handle);
    const body = s(r.text);
    yield {
      category: 'message',
      sourceKey: r.guid ? `imessage:${s(r.guid)}` : hashKey('ios-sms', address, s(r.date), body),
      title: address || 'Unknown sender',
      text: [address, body].filter(Boolean).join('\n'),
      fields: { format: 'ios-backup', kind: s(r.service).toLowerCase() || 'sms', direction: r.fromMe === 1 ? 'sent' : 'received', address, body, guid: s(r.guid) },
      personal: true,
      ...(at !== undefined ? { occurredAt: at } : {}),
    };
  }
}

function* contactItems(db: Database.Database): Generator<ParsedItem> {
  const values = db.prepare('SELECT record_id AS id, property AS prop, value FROM ABMultiValue').all() as Array<Record<string, unknown>>;
  const byPerson = new Map<number, { phones: string[]; emails: string[] }>();
  for (const v of values) {
    const id = Number(v.id);
    const entry = byPerson.get(id) ?? { phones: [], emails: [] };
    byPerson.set(id, entry);
    if (v.prop === 3 && v.value) entry.phones.push(s(v.value));
    if (v.prop === 4 && v.value) entry.emails.push(s(v.value));
  }
  for (const p of db.prepare('SELECT ROWID AS id, First AS first, Last AS last, Organization AS org FROM ABPerson').iterate() as Iterable<Record<string, unknown>>) {
    const extra = byPerson.get(Number(p.id)) ?? { phones: [], emails: [] };
    const name = [s(p.first), s(p.last)].filter(Boolean).join(' ');
    yield {
      category: 'contact',
      sourceKey: hashKey('ios-contact', name, s(p.org), extra.phones, extra.emails),
      title: name || s(p.org) || extra.phones[0] || 'Contact',
      text: [name, s(p.org), ...extra.phones, ...extra.emails].filter(Boolean).join('\n'),
      fields: { format: 'ios-backup', name, ...(p.org ? { organization: s(p.org) } : {}), phones: extra.phones, emails: extra.emails },
      personal: true,
    };
  }
}

function* eventItems(db: Database.Database): Generator<ParsedItem> {
  const hasLocation = Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'Location'").get());
  const sql = hasLocation
    ? 'SELECT c.ROWID AS id, c.unique_identifier AS uid, c.summary AS summary, c.description AS description, c.start_date AS start, c.end_date AS end, c.all_day AS allDay, l.title AS location FROM CalendarItem c LEFT JOIN Location l ON l.ROWID = c.location_id'
    : 'SELECT c.ROWID AS id, c.unique_identifier AS uid, c.summary AS summary, c.description AS description, c.start_date AS start, c.end_date AS end, c.all_day AS allDay, NULL AS location FROM CalendarItem c';
  for (const r of db.prepare(sql).iterate() as Iterable<Record<string, unknown>>) {
    const start = appleTime(r.start);
    const end = appleTime(r.end);
    yield {
      category: 'event',
      sourceKey: r.uid ? `ios-event:${s(r.uid)}` : hashKey('ios-event', s(r.summary), s(r.start)),
      title: s(r.summary) || 'Event',
      text: [s(r.summary), s(r.description), s(r.location)].filter(Boolean).join('\n'),
      fields: { format: 'ios-backup', summary: s(r.summary), allDay: r.allDay === 1, ...(end !== undefined ? { end } : {}), ...(r.location ? { location: s(r.location) } : {}), ...(r.description ? { description: s(r.description) } : {}) },
      personal: true,
      ...(start !== undefined ? { occurredAt: start } : {}),
    };
  }
}

function* noteItems(db: Database.Database): Generator<ParsedItem> {
  const rows = db
    .prepare('SELECT Z_PK AS id, ZIDENTIFIER AS uid, ZTITLE1 AS title, ZSNIPPET AS snippet, ZCREATIONDATE1 AS created, ZMODIFICATIONDATE1 AS modified FROM ZICCLOUDSYNCINGOBJECT WHERE ZTITLE1 IS NOT NULL')
    .iterate() as Iterable<Record<string, unknown>>;
  for (const r of rows) {
    const at = appleTime(r.created) ?? appleTime(r.modified);
    yield {
      category: 'note',
      sourceKey: r.uid ? `ios-note:${s(r.uid)}` : hashKey('ios-note', s(r.title), s(r.created)),
      title: s(r.title),
      text: [s(r.title), s(r.snippet)].filter(Boolean).join('\n'),
      fields: { format: 'ios-backup', snippet: s(r.snippet), bodyFormat: 'apple-notes protobuf (kept in the original NoteStore.sqlite)' },
      personal: true,
      ...(at !== undefined ? { occurredAt: at } : {}),
    };
  }
}

const DATABASES: Array<{ domain: RegExp; path: string; read: (db: Database.Database) => Generator<ParsedItem> }> = [
  { domain: /^HomeDomain$/, path: 'Library/SMS/sms.db', read: smsItems },
  { domain: /^HomeDomain$/, path: 'Library/AddressBook/AddressBook.sqlitedb', read: contactItems },
  { domain: /^HomeDomain$/, path: 'Library/Calendar/Calendar.sqlitedb', read: eventItems },
  { domain: /^AppDomainGroup-group\.com\.apple\.notes$/, path: 'NoteStore.sqlite', read: noteItems },
];

/** Imports a backup folder given its Manifest.db (or the folder itself). */
export async function* importIosBackup(input: ImportInput, ctx: ImportContext, localPath: string): AsyncGenerator<ParsedItem> {
  const dir = statSync(localPath).isDirectory() ? localPath : dirname(localPath);
  const files = readManifest(dir);
  let done = 0;
  for (const f of files) {
    await ctx.checkpoint();
    if (!/^[0-9a-f]{40}$/.test(f.fileID)) {
      ctx.refuse(`${f.domain}-${f.relativePath}`.slice(0, 200), 'The backup lists a file under an id that is not a SHA-1; it was skipped.');
      continue;
    }
    const path = join(dir, f.fileID.slice(0, 2), f.fileID);
    const display = `${f.domain}/${f.relativePath}`;
    if (!existsSync(path)) {
      ctx.refuse(display, 'The backup lists this file but it is missing from the backup folder.');
      continue;
    }
    let name: string;
    try {
      name = sanitizeEntryName(display).path;
    } catch (e) {
      if (!isKeepsakeError(e)) throw e;
      ctx.refuse(display.slice(0, 200), e.message);
      continue;
    }
    const entryInput = fileInput(path, `${input.path}!/${name}`, () => null);
    const entry: TreeEntry = { name, size: entryInput.size, open: entryInput.open, localPath: path };
    const known = DATABASES.find((d) => d.domain.test(f.domain) && d.path === f.relativePath);
    if (known) {
      let db: Database.Database | null = null;
      try {
        db = openReadOnly(path);
        for (const item of known.read(db)) yield item;
      } catch (e) {
        if (isKeepsakeError(e)) throw e;
        ctx.refuse(display, 'This database in the backup is damaged or not in the expected shape; it was kept as a file.');
      } finally {
        db?.close();
      }
      yield await opaqueItem(entry, { kind: 'ios app data', domain: f.domain, interpreted: true });
    } else if (f.domain === 'CameraRollDomain' && /^Media\/DCIM\//.test(f.relativePath) && sniffMedia(await headOf(path))) {
      yield* importMedia(entryInput, ctx);
    } else {
      yield await opaqueItem(entry, { domain: f.domain });
    }
    done += 1;
    ctx.report({ items: done, phase: 'reading iPhone backup' });
  }
}

async function headOf(path: string): Promise<Buffer> {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The importer for a Manifest.db input (the registry hands over the whole folder through it). */
export const iosBackupImporter: Importer = async function* (input, ctx) {
  if (!existsSync(input.path)) throw new KeepsakeError('UNSUPPORTED', 'An iPhone backup must be imported from its folder on disk.');
  yield* importIosBackup(input, ctx, input.path);
};
