// What an Android backup's app folders mean. [Note: Android app data] adb backup writes
// apps/<package>/{_manifest,a,f,db,sp,r,ef,k,d_f,...}; the few forms we interpret:
//  - apps/com.android.providers.telephony/d_f/NNNNNN_{sms,mms}_backup (Android 6+
//    TelephonyBackupAgent): zlib-deflated JSON arrays of messages;
//  - apps/com.android.providers.telephony/db/mmssms.db (older full backups): the sms table;
//  - apps/com.android.providers.contacts/db/{contacts2,calllog}.db: raw_contacts/data
//    (names, phones, e-mails) and calls;
//  - apps/<package>/_manifest: package, version, installer — non-personal app metadata.
// SMS and call keys are the same as the SMS Backup & Restore importer's, so a message found
// both in an .ab and in an SMS XML export is one item with two sources.
import Database from 'better-sqlite3-multiple-ciphers';
import { inflateSync } from 'node:zlib';
import { isKeepsakeError } from '../../../../common/errors';
import { hashKey } from '../records/util';
import type { ImportContext, ParsedItem } from '../types';
import type { TreeEntry } from './tree';

const TELEPHONY = 'apps/com.android.providers.telephony/';
const CONTACTS = 'apps/com.android.providers.contacts/';
const MAX_JSON_INFLATED = 256 * 1024 * 1024;

export function isInterpretedAppEntry(name: string): boolean {
  return (
    (name.startsWith(`${TELEPHONY}d_f/`) && /_(sms|mms)_backup$/.test(name)) ||
    name === `${TELEPHONY}db/mmssms.db` ||
    name === `${CONTACTS}db/contacts2.db` ||
    name === `${CONTACTS}db/calllog.db`
  );
}

const DIRECTIONS: Record<number, string> = { 1: 'received', 2: 'sent', 3: 'draft', 4: 'outbox', 5: 'failed', 6: 'queued' };
const CALL_KINDS: Record<number, string> = { 1: 'incoming', 2: 'outgoing', 3: 'missed', 4: 'voicemail', 5: 'rejected', 6: 'blocked' };

function smsItem(address: string, date: string, type: string, body: string, extra: Record<string, unknown>): ParsedItem {
  const t = Number(date);
  return {
    category: 'message',
    sourceKey: hashKey('sms', address, date, type, body),
    title: address || 'Unknown sender',
    text: [address, body].filter(Boolean).join('\n'),
    fields: { format: 'android-backup', kind: 'sms', direction: DIRECTIONS[Number(type)] ?? 'unknown', address, body, ...extra },
    personal: true,
    ...(Number.isFinite(t) && t > 0 ? { occurredAt: t } : {}),
  };
}

function callItem(number: string, date: string, type: string, duration: string, name: string | undefined): ParsedItem {
  const t = Number(date);
  return {
    category: 'call',
    sourceKey: hashKey('call', number, date, type, duration),
    title: name ?? (number || 'Unknown number'),
    text: [name, number].filter(Boolean).join('\n'),
    fields: { format: 'android-backup', kind: CALL_KINDS[Number(type)] ?? 'unknown', number, durationSeconds: Number(duration) || 0, ...(name ? { contactName: name } : {}) },
    personal: true,
    ...(Number.isFinite(t) && t > 0 ? { occurredAt: t } : {}),
  };
}

async function readEntry(entry: TreeEntry, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of entry.open()) {
    n += (c as Buffer).length;
    if (n > max) throw new Error('too large');
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

function s(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** Telephony d_f JSON backups (deflated). */
async function* telephonyJson(entry: TreeEntry, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  let rows: unknown;
  try {
    const raw = await readEntry(entry, 64 * 1024 * 1024);
    rows = JSON.parse(inflateSync(raw, { maxOutputLength: MAX_JSON_INFLATED }).toString('utf8'));
  } catch {
    ctx.refuse(entry.name, 'The phone\'s message backup in this file could not be unpacked; it was kept as app data.');
    return;
  }
  if (!Array.isArray(rows)) return;
  const mms = entry.name.endsWith('_mms_backup');
  for (const r of rows) {
    if (!r || typeof r !== 'object') continue;
    const o = r as Record<string, unknown>;
    if (!mms) {
      const recipients = Array.isArray(o.recipients) ? o.recipients.map(s) : [];
      yield smsItem(s(o.address) || recipients.join(', '), s(o.date), s(o.type), s(o.body), { read: o.read === 1 || o.read === '1', ...(recipients.length ? { recipients } : {}) });
    } else {
      const addrs = Array.isArray(o.mms_addresses) ? o.mms_addresses.map((a) => s((a as Record<string, unknown>)?.address)).filter(Boolean) : [];
      const body = s(o.mms_body);
      const date = s(o.date);
      const ms = Number(date) * (Number(date) < 1e11 ? 1000 : 1); // MMS dates are seconds
      const item: ParsedItem = {
        category: 'message',
        sourceKey: hashKey('mms', addrs.join(','), date, s(o.msg_box), body),
        title: addrs[0] ?? 'MMS',
        text: [addrs.join(', '), s(o.sub), body].filter(Boolean).join('\n'),
        fields: { format: 'android-backup', kind: 'mms', direction: DIRECTIONS[Number(o.msg_box)] ?? 'unknown', addresses: addrs, body, ...(o.sub ? { subject: s(o.sub) } : {}) },
        personal: true,
        ...(Number.isFinite(ms) && ms > 0 ? { occurredAt: ms } : {}),
      };
      yield item;
    }
    await ctx.checkpoint();
  }
}

function openDb(entry: TreeEntry): Database.Database {
  if (!entry.localPath) throw new Error('not staged');
  const db = new Database(entry.localPath, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  db.pragma('trusted_schema = OFF');
  return db;
}

function hasTable(db: Database.Database, name: string): boolean {
  return Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?").get(name));
}

async function* sqliteItems(entry: TreeEntry, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  let db: Database.Database;
  try {
    db = openDb(entry);
  } catch {
    ctx.refuse(entry.name, 'This database from the backup could not be opened; it was kept as app data.');
    return;
  }
  try {
    if (hasTable(db, 'sms')) {
      for (const r of db.prepare('SELECT address, date, type, body, read FROM sms').iterate() as Iterable<Record<string, unknown>>) {
        yield smsItem(s(r.address), s(r.date), s(r.type), s(r.body), { read: r.read === 1 });
      }
    }
    if (hasTable(db, 'calls')) {
      for (const r of db.prepare('SELECT number, date, duration, type, name FROM calls').iterate() as Iterable<Record<string, unknown>>) {
        yield callItem(s(r.number), s(r.date), s(r.type), s(r.duration), r.name ? s(r.name) : undefined);
      }
    }
    if (hasTable(db, 'raw_contacts') && hasTable(db, 'data') && hasTable(db, 'mimetypes')) {
      const rows = db
        .prepare('SELECT d.raw_contact_id AS id, m.mimetype AS mimetype, d.data1 AS data1, d.data2 AS data2, d.data3 AS data3 FROM data d JOIN mimetypes m ON m._id = d.mimetype_id JOIN raw_contacts r ON r._id = d.raw_contact_id WHERE r.deleted = 0 ORDER BY d.raw_contact_id')
        .all() as Array<Record<string, unknown>>;
      const contacts = new Map<string, { name?: string; phones: string[]; emails: string[] }>();
      for (const r of rows) {
        const id = s(r.id);
        const c = contacts.get(id) ?? { phones: [], emails: [] };
        contacts.set(id, c);
        if (r.mimetype === 'vnd.android.cursor.item/name' && r.data1) c.name = s(r.data1);
        if (r.mimetype === 'vnd.android.cursor.item/phone_v2' && r.data1) c.phones.push(s(r.data1));
        if (r.mimetype === 'vnd.android.cursor.item/email_v2' && r.data1) c.emails.push(s(r.data1));
      }
      for (const c of contacts.values()) {
        if (!c.name && !c.phones.length && !c.emails.length) continue;
        yield {
          category: 'contact',
          sourceKey: hashKey('android-contact', c.name ?? '', c.phones, c.emails),
          title: c.name ?? c.phones[0] ?? c.emails[0] ?? 'Contact',
          text: [c.name, ...c.phones, ...c.emails].filter(Boolean).join('\n'),
          fields: { format: 'android-backup', ...(c.name ? { name: c.name } : {}), phones: c.phones, emails: c.emails },
          personal: true,
        };
      }
    }
  } catch (e) {
    if (isKeepsakeError(e)) throw e;
    ctx.refuse(entry.name, 'This database from the backup is damaged or not in the expected shape; what could be read was kept.');
  } finally {
    db.close();
  }
}

export async function* interpretAppEntry(entry: TreeEntry, ctx: ImportContext): AsyncGenerator<ParsedItem> {
  if (entry.name.includes('/d_f/')) yield* telephonyJson(entry, ctx);
  else yield* sqliteItems(entry, ctx);
}

/** Reads apps/<pkg>/_manifest: version, package, versionCode, platform, installer. */
export async function manifestFields(entry: TreeEntry): Promise<Record<string, unknown>> {
  const text = (await readEntry(entry, 1024 * 1024)).toString('utf8');
  const [format, pkg, versionCode, platform, installer] = text.split('\n');
  return { manifestVersion: format, package: pkg, versionCode: Number(versionCode), platformSdk: Number(platform), installer };
}
