// The oracle for the streaming tests: what the recovery job wrote before it streamed — every
// item of a category loaded into one array (in the old selection order: coalesce(time, 0),
// then id; erased items left out) and each standard-format file built as ONE string or
// buffer by the intake writers' whole-document functions. Test-only, kept to prove the
// streamed files are byte for byte the same.
import { writeICalendar } from '../../../main/core/intake/records/ical-writer';
import { writeCallsXml, writeSmsXml } from '../../../main/core/intake/records/sms-xml-writer';
import { loadItem } from '../../../main/core/recovery/load';
import type { LocationPolicy } from '../../../main/core/recovery/location';
import { callOf, contactText, gatedMessage, gateJcal, type LoadedItem } from '../../../main/core/recovery/writers/records';
import { all, sql } from '../../../main/core/vault/sql';
import type { Vault } from '../../../main/core/vault/vault';

/** The old whole-array order: category, time (none = 0), id — as select.ts sorted in memory. */
export function oldOrder(vault: Vault, category: string): string[] {
  const rows = all<{ id: string; occurred_at: number | null; tomb: number }>(
    vault.indexDb,
    sql`SELECT i.id, i.occurred_at, EXISTS (SELECT 1 FROM tombstones t WHERE t.fingerprint = i.fingerprint) AS tomb FROM items i WHERE i.category = ${category}`,
  ).filter((r) => !r.tomb);
  rows.sort((a, b) => (a.occurred_at ?? 0) - (b.occurred_at ?? 0) || (a.id < b.id ? -1 : 1));
  return rows.map((r) => r.id);
}

async function loadAll(vault: Vault, category: string): Promise<LoadedItem[]> {
  const out: LoadedItem[] = [];
  for (const id of oldOrder(vault, category)) {
    const item = await loadItem(vault, id);
    if (item) out.push(item);
  }
  return out;
}

/** The old mboxOf: mboxrd, every message in one buffer. */
function mboxOf(raws: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const raw of raws) {
    parts.push(Buffer.from('From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n'));
    let start = 0;
    while (start < raw.length) {
      let end = raw.indexOf(0x0a, start);
      end = end === -1 ? raw.length : end + 1;
      const line = raw.subarray(start, end);
      if (/^>*From /.test(line.subarray(0, 64).toString('latin1'))) parts.push(Buffer.from('>'));
      parts.push(line);
      start = end;
    }
    if (raw.length && raw[raw.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** The record files the old job built, by bundle path (precise location: nothing is gated away). */
export async function wholeFiles(vault: Vault, policy: LocationPolicy): Promise<Record<string, Buffer>> {
  const none = { add() {} };
  const contacts = await loadAll(vault, 'contact');
  const events = (await loadAll(vault, 'event')).filter((i) => Array.isArray(i.fields.jcal));
  const messages = await loadAll(vault, 'message');
  const calls = await loadAll(vault, 'call');
  const raws = (await loadAll(vault, 'email')).map((i) => i.files.find((f) => f.role === 'original' && Buffer.isBuffer(f.data))?.data).filter((b): b is Buffer => Buffer.isBuffer(b));
  return {
    'Contacts/contacts.vcf': Buffer.from(contacts.map((i) => contactText(i, policy, none)).join(''), 'utf8'),
    'Calendar/calendar.ics': Buffer.from(writeICalendar(events.map((i) => ({ fields: { jcal: gateJcal(i.fields.jcal as Parameters<typeof gateJcal>[0], policy) } }))), 'utf8'),
    'Messages/sms.xml': Buffer.from(writeSmsXml(messages.map((i) => gatedMessage(i, policy))), 'utf8'),
    'Messages/calls.xml': Buffer.from(writeCallsXml(calls.map(callOf)), 'utf8'),
    'Email/mail.mbox': mboxOf(raws),
  };
}
