// The export writers stream (issue 9 review): sms.xml, calls.xml, contacts.vcf,
// calendar.ics and mail.mbox are written entry by entry from items read page by page, not
// built as one string from one array. Checked: the files are byte for byte what the old
// whole-document builder wrote (whole-writer.ts) on a fixtures vault and on a generated one
// with awkward times (none, 0, before 1970, ties — the keyset paging keeps the old order);
// the SMS `count` stays true when the vault changes during the write; the bundle round-trips
// through Keepsake's own importers; and the live heap stays flat over many messages.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import { KeepsakeError } from '../../../common/errors';
import { consentLedger } from '../../../main/core/privacy/ledgers';
import { LocationPolicy } from '../../../main/core/recovery/location';
import { runRecovery, type RecoveryControl } from '../../../main/core/recovery/recovery-job';
import { eachSelected } from '../../../main/core/recovery/select';
import { StreamFile } from '../../../main/core/recovery/stream-file';
import { all, run, sql } from '../../../main/core/vault/sql';
import type { NewItem } from '../../../main/core/vault/types';
import { cleanup, FIXTURES, importPaths, newCore, quiet, tempDir } from './helpers';
import { oldOrder, wholeFiles } from './whole-writer';

const precise = { precision: 'precise' as const, expiresInMinutes: 60 };
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A live precise grant of its own, so the oracle gates nothing away. */
function oraclePolicy(core: Core): LocationPolicy {
  const ledger = consentLedger(core);
  ledger.grant({ subject: 'location', purpose: 'oracle', recipient: 'oracle', precision: 'precise', expiresAt: core.clock.now() + 3_600_000 });
  return new LocationPolicy(ledger, 'oracle', 'oracle');
}

/** Every record file of the bundle equals the old builder's, and recovery_files holds its true hash and size. */
async function expectSameAsWholeWriter(core: Core, bundle: string): Promise<string[]> {
  const expected = await wholeFiles(core.vault!, oraclePolicy(core));
  const files = all<{ path: string; sha256: string; size: number }>(core.vault!.indexDb, sql`SELECT path, sha256, size FROM recovery_files WHERE recovery_key = ${bundle}`);
  const compared: string[] = [];
  for (const [rel, want] of Object.entries(expected)) {
    if (!existsSync(join(bundle, rel))) continue;
    const have = readFileSync(join(bundle, rel));
    expect(have.equals(want), rel).toBe(true);
    expect(files.find((f) => f.path === rel), rel).toEqual({ path: rel, sha256: sha(have), size: have.length });
    compared.push(rel);
  }
  return compared;
}

const sms = (n: number, occurredAt?: number, extra = ''): NewItem => ({
  category: 'message',
  sourceKey: `sms:${n}`,
  ...(occurredAt === undefined ? {} : { occurredAt }),
  title: `Person ${n % 97}`,
  text: `Message ${n}`,
  fields: { kind: 'sms', address: `+1555${n}`, attributes: { protocol: '0', address: `+1555${n}`, date: String(occurredAt ?? 0), type: String(1 + (n % 2)), body: `Message ${n} & <the> "weather" 🌦${extra}`, read: '1' } },
  personal: true,
});

describe('streamed standard-format files', () => {
  let dir: string;
  let core: Core;
  beforeEach(async () => {
    dir = tempDir('recovery-stream');
    core = await newCore(join(dir, 'a'));
  });
  afterEach(async () => {
    await core.close();
    cleanup(dir);
  });

  it('fixtures: contacts.vcf, calendar.ics, sms.xml, calls.xml and mail.mbox are byte for byte what the whole-document builder wrote', async () => {
    const f = (...p: string[]) => join(FIXTURES, ...p);
    await importPaths(core, [
      ...readdirSync(f('contacts')).map((n) => f('contacts', n)),
      ...['ical4j__apple-iphone-os-26-structured-location.ics', 'icalendar__x_location.ics', 'ical4j__EXDATE.ics', 'ical4j__Standup.ics'].map((n) => f('calendar', n)),
      ...readdirSync(f('messages')).filter((n) => n.endsWith('.xml')).map((n) => f('messages', n)),
      ...readdirSync(f('email')).filter((n) => n.endsWith('.eml') || n.endsWith('.mbox')).slice(0, 14).map((n) => f('email', n)),
    ]);
    const bundle = join(dir, 'bundle');
    const r = await runRecovery(core, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: precise }, quiet);
    expect(r.ok).toBe(true);
    expect(await expectSameAsWholeWriter(core, bundle)).toEqual(['Contacts/contacts.vcf', 'Calendar/calendar.ics', 'Messages/sms.xml', 'Messages/calls.xml', 'Email/mail.mbox']);
    for (const c of r.categories) expect(c.written + c.skipped.length, c.category).toBe(c.expected);
  }, 120_000);

  it('keyset paging keeps the old order for no time, time 0, times before 1970 and ties, across page boundaries; tombstoned items stay out', async () => {
    const times = [undefined, 0, -86_400_000, -1, 5, 5, 5, undefined, 0, 1_700_000_000_000, 5, -1, undefined, 42, 42, 1_700_000_000_000];
    await core.vault!.putRecords(times.map((t, n) => sms(n, t)));
    // An item whose fingerprint is tombstoned (erased, then met again) stays out and is counted.
    const erased = oldOrder(core.vault!, 'message')[6]!;
    run(core.vault!.indexDb, sql`INSERT INTO tombstones (fingerprint, category, erased_at) SELECT fingerprint, category, 0 FROM items WHERE id = ${erased}`);
    const plan = { source: { kind: 'everything' as const } };
    for (const size of [1, 3, 500]) {
      const paged = [...eachSelected(core.vault!.indexDb, plan, 'message', size)].flat().map((i) => i.id);
      expect(paged, `page size ${size}`).toEqual(oldOrder(core.vault!, 'message'));
    }
    expect(oldOrder(core.vault!, 'message')).not.toContain(erased);
    const bundle = join(dir, 'bundle');
    const r = await runRecovery(core, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: precise }, quiet);
    expect(r.erasedLeftOut).toBe(1);
    expect(await expectSameAsWholeWriter(core, bundle)).toEqual(['Messages/sms.xml']);
    expect(readFileSync(join(bundle, 'Messages/sms.xml'), 'utf8')).toContain(`<smses count="${times.length - 1}">`);
  });

  it('the SMS count stays true when the vault changes during the write (an item erased, one added)', async () => {
    await core.vault!.putRecords(Array.from({ length: 30 }, (_, n) => sms(n, 1_600_000_000_000 + n * 1000)));
    const order = oldOrder(core.vault!, 'message');
    let seen = 0;
    const control: RecoveryControl = {
      report() {},
      async checkpoint() {
        if (++seen !== 5) return;
        await core.vault!.destroyItems([order[20]!]);
        await core.vault!.putRecords([sms(99, 1_700_000_000_000)]);
      },
    };
    const bundle = join(dir, 'bundle');
    const r = await runRecovery(core, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: precise }, control);
    const text = readFileSync(join(bundle, 'Messages/sms.xml'), 'utf8');
    const entries = text.match(/^ {2}<sms /gm)?.length ?? 0;
    const cat = r.categories[0]!;
    // The erased item was still on the page read before it went: it is reported as gone; the new one was read after.
    expect(cat).toMatchObject({ expected: 30, written: 30, verified: 30 });
    expect(cat.skipped).toEqual([{ itemId: order[20], reason: 'The item is no longer in the vault.' }]);
    expect(entries).toBe(30);
    expect(text).toContain('<smses count="30">');
    expect(text).toContain('Message 99 ');
    expect(text).not.toContain('Message 20 ');
    const row = all<{ sha256: string; size: number }>(core.vault!.indexDb, sql`SELECT sha256, size FROM recovery_files WHERE recovery_key = ${bundle} AND path = 'Messages/sms.xml'`)[0];
    expect(row).toEqual({ sha256: sha(Buffer.from(text, 'utf8')), size: Buffer.byteLength(text) });
    // With only the erase, the head is rewritten to the smaller count.
    const again = join(dir, 'again');
    seen = 0;
    const order2 = oldOrder(core.vault!, 'message');
    const control2: RecoveryControl = { report() {}, async checkpoint() { if (++seen === 3) await core.vault!.destroyItems([order2[10]!]); } };
    const r2 = await runRecovery(core, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: again }, location: precise }, control2);
    const text2 = readFileSync(join(again, 'Messages/sms.xml'), 'utf8');
    expect(r2.categories[0]).toMatchObject({ expected: 30, written: 29, verified: 29 });
    expect(text2).toContain('<smses count="29">');
    expect(text2.match(/^ {2}<sms /gm)?.length).toBe(29);
    expect(readdirSync(join(again, 'Messages'))).toEqual(['sms.xml']);
  });
});

describe('StreamFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('stream-file');
  });
  afterEach(() => cleanup(dir));

  it('hashes what it writes, replaces the head by copying the body, and leaves nothing behind when abandoned', async () => {
    const p = join(dir, 'sub', 'a.xml');
    const f = await StreamFile.open(p);
    await f.head('<n count="1">\n');
    for (let i = 0; i < 5000; i++) await f.write(`  <e i="${i}"/>\n`);
    await f.write(Buffer.from('</n>\n'));
    const done = await f.close({ head: '<n count="5000">\n' });
    const bytes = readFileSync(p);
    expect(bytes.toString('utf8').startsWith('<n count="5000">\n  <e i="0"/>\n')).toBe(true);
    expect(done).toEqual({ sha256: sha(bytes), size: bytes.length });
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.xml']);
    const q = join(dir, 'b.txt');
    const g = await StreamFile.open(q);
    await g.write('secret');
    await g.abort();
    expect(readdirSync(dir)).toEqual(['sub']);
  });

  it('a folder it may not create is a KeepsakeError in plain words', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    await expect(StreamFile.open(join(dir, 'file', 'inside', 'a.xml'))).rejects.toBeInstanceOf(KeepsakeError);
  });
});

/** Source files in the formats a phone gives, generated: what the round trip imports first. */
function writeSources(root: string, n: { sms: number; calls: number; contacts: number; events: number; mails: number }): string[] {
  mkdirSync(root, { recursive: true });
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
  const t0 = Date.UTC(2024, 0, 1);
  const smsXml = [`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>`, `<smses count="${n.sms}">`];
  for (let i = 0; i < n.sms; i++) {
    smsXml.push(`  <sms protocol="0" address="+4477009${String(i % 50).padStart(5, '0')}" date="${t0 + i * 60_000}" type="${1 + (i % 2)}" subject="null" body="${esc(`Message ${i}: café & <tags> "quoted"${i % 7 === 0 ? '\nsecond line' : ''}`)}" read="1" status="-1" locked="0" date_sent="0" />`);
  }
  smsXml.push('</smses>', '');
  const callsXml = [`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>`, `<calls count="${n.calls}">`];
  for (let i = 0; i < n.calls; i++) callsXml.push(`  <call number="+4477009${String(i).padStart(5, '0')}" duration="${i * 7}" date="${t0 + i * 3_600_000}" type="${1 + (i % 3)}" presentation="1" />`);
  callsXml.push('</calls>', '');
  const vcf: string[] = [];
  for (let i = 0; i < n.contacts; i++) vcf.push('BEGIN:VCARD', 'VERSION:3.0', `N:Person${i};Ada;;;`, `FN:Ada Person${i}`, `TEL;TYPE=CELL:+44770${String(i).padStart(6, '0')}`, `EMAIL;TYPE=INTERNET:ada${i}@example.org`, 'END:VCARD');
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Generated//EN'];
  for (let i = 0; i < n.events; i++) {
    const d = new Date(t0 + i * 86_400_000).toISOString().replace(/[-:]/g, '').slice(0, 15) + 'Z';
    ics.push('BEGIN:VEVENT', `UID:event-${i}@example.org`, `DTSTAMP:${d}`, `DTSTART:${d}`, `SUMMARY:Meeting ${i}\\, room ${i % 5}`, 'X-GENERATED-BY:streaming-test', 'END:VEVENT');
  }
  ics.push('END:VCALENDAR');
  const mbox: string[] = [];
  for (let i = 0; i < n.mails; i++) {
    mbox.push('From sender@example.org Mon Jan  1 00:00:00 2024', `Message-ID: <mail-${i}@example.org>`, 'From: Sender <sender@example.org>', 'To: ada@example.org', `Subject: Note ${i}`, `Date: ${new Date(t0 + i * 3_600_000).toUTCString()}`, 'Content-Type: text/plain; charset=utf-8', '', `Body of mail ${i}.`, '>From the quoted start of a line', `Last line ${i}.`, '');
  }
  const files: Record<string, string> = { 'sms.xml': smsXml.join('\n'), 'calls.xml': callsXml.join('\n'), 'contacts.vcf': vcf.join('\r\n') + '\r\n', 'calendar.ics': ics.join('\r\n') + '\r\n', 'mail.mbox': mbox.join('\n') };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return Object.keys(files).map((name) => join(root, name));
}

describe('a generated vault round-trips through Keepsake\'s own importers', () => {
  let dir: string;
  let a: Core;
  let b: Core;
  beforeEach(async () => {
    dir = tempDir('recovery-stream-rt');
    a = await newCore(join(dir, 'a'));
    b = await newCore(join(dir, 'b'));
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    cleanup(dir);
  });

  it('SMS XML, calls XML, vCard, iCalendar and mbox: everything back, over several pages', async () => {
    const counts = { sms: 1_234, calls: 40, contacts: 60, events: 45, mails: 25 };
    await importPaths(a, writeSources(join(dir, 'src'), counts));
    const bundle = join(dir, 'bundle');
    const r = await runRecovery(a, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: precise }, quiet);
    expect(r.ok).toBe(true);
    expect(Object.fromEntries(r.categories.map((c) => [c.category, c.written]))).toEqual({ contact: counts.contacts, event: counts.events, message: counts.sms, call: counts.calls, email: counts.mails });
    expect(await expectSameAsWholeWriter(a, bundle)).toHaveLength(5);
    await importPaths(b, [bundle]);
    const rows = (core: Core, category: string) => all<{ title: string; occurred_at: number | null; fields: string }>(core.vault!.indexDb, sql`SELECT title, occurred_at, fields FROM items WHERE category = ${category}`).map((x) => ({ ...x, f: JSON.parse(x.fields) as Record<string, unknown> }));
    const keys = (core: Core, category: string, key: (x: ReturnType<typeof rows>[number]) => string) => rows(core, category).map(key).sort();
    const attrs = (x: { f: Record<string, unknown> }) => {
      const at = (x.f.attributes ?? {}) as Record<string, string>;
      return `${at.address ?? at.number}|${at.date}|${at.body ?? ''}|${at.duration ?? ''}|${at.type}`;
    };
    for (const c of ['message', 'call']) expect(keys(b, c, attrs), c).toEqual(keys(a, c, attrs));
    expect(keys(a, 'message', attrs)).toHaveLength(counts.sms);
    const contact = (x: { title: string; f: Record<string, unknown> }) => `${x.title}|${JSON.stringify(x.f.emails)}|${JSON.stringify(x.f.phones)}`;
    expect(keys(b, 'contact', contact)).toEqual(keys(a, 'contact', contact));
    const event = (x: { title: string; occurred_at: number | null; f: Record<string, unknown> }) => `${x.title}@${x.occurred_at}|${JSON.stringify((x.f.jcal as [string, unknown[]])[1].filter((p) => (p as string[])[0]!.startsWith('x-')))}`;
    expect(keys(b, 'event', event)).toEqual(keys(a, 'event', event));
    const mail = (x: { f: Record<string, unknown> }) => `${String(x.f.messageId)}|${String(x.f.subject)}`;
    expect(keys(b, 'email', mail)).toEqual(keys(a, 'email', mail));
    expect(keys(b, 'email', mail)).toHaveLength(counts.mails);
  }, 120_000);
});

describe('bounded memory', () => {
  let dir: string;
  let core: Core;
  beforeEach(async () => {
    dir = tempDir('recovery-stream-mem');
    core = await newCore(join(dir, 'a'));
  });
  afterEach(async () => {
    await core.close();
    cleanup(dir);
  });

  it('keeps the live heap flat while sms.xml is written for many messages (no array of every message, no whole-file string)', async () => {
    const total = Number(process.env.KEEPSAKE_RECOVERY_STREAM_MESSAGES ?? 20_000);
    const pad = ' and the weather'.repeat(20);
    for (let i = 0; i < total; i += 10_000) await core.vault!.putRecords(Array.from({ length: Math.min(10_000, total - i) }, (_, k) => sms(i + k, 1_600_000_000_000 + (i + k) * 1000, pad)));
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const base = live();
    let peak = 0;
    let samples = 0;
    const control: RecoveryControl = {
      report(p) {
        if (p.done === undefined || p.done === 0 || p.done % 2_000 !== 0) return;
        samples++;
        peak = Math.max(peak, live() - base);
      },
      async checkpoint() {},
    };
    const bundle = join(dir, 'bundle');
    const r = await runRecovery(core, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: precise }, control);
    const size = readFileSync(join(bundle, 'Messages/sms.xml')).length;
    console.log(`recovery streaming: ${total} messages, sms.xml ${(size / 1e6).toFixed(1)} MB, live heap growth peak ${(peak / 1e6).toFixed(1)} MB (load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
    expect(r.categories[0]).toMatchObject({ category: 'message', expected: total, written: total, verified: total });
    expect(samples).toBeGreaterThanOrEqual(Math.floor(total / 2_000) - 1);
    // The old writer kept every loaded message (~2 KB as live objects) and the whole file as one string.
    expect(peak).toBeLessThan(size / 4);
    expect(peak).toBeLessThan(8e6);
  }, 240_000);
});
