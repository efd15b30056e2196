// The recovery round trip (issue 9 acceptance, export-bundle half): real fixtures imported
// into a vault, restored to an export bundle, the bundle re-imported into a NEW vault with
// the ordinary import job, and both vaults compared semantically — contacts (name, phones,
// e-mails), events (title and time), messages (address, date, body), calls, notes (title
// and text), e-mail (Message-ID, subject) and photos by hash. The formats' losses are what
// the report lists as unsupported. A second run into the same folder changes nothing, and
// an erased item never comes back through a restore (legal holds do not block it).
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryPreview, RecoveryReport } from '../../../common/contract/recovery';
import type { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { LegalHolds } from '../../../main/core/erasure/holds';
import { runRecovery } from '../../../main/core/recovery/recovery-job';
import { all, sql } from '../../../main/core/vault/sql';
import { cleanup, FIXTURES, importPaths, newCore, quiet, tempDir, treeHashes } from './helpers';

const f = (...p: string[]) => join(FIXTURES, ...p);
const SOURCES = [
  ...readdirSync(f('contacts')).filter((n, i) => i % 2 === 0 || /IPHONE|ANDROID/.test(n)).map((n) => f('contacts', n)),
  f('calendar', 'ical4j__apple-iphone-os-26-structured-location.ics'),
  f('calendar', 'icalendar__x_location.ics'),
  f('calendar', 'ical4j__EXDATE.ics'),
  f('messages', 'sbr2__sms_and_mms.xml'),
  f('messages', 'shruggie__minimal_calls.xml'),
  ...readdirSync(f('email')).filter((n) => n.endsWith('.eml')).slice(0, 8).map((n) => f('email', n)),
  f('notes', 'keep_takeout'),
  f('notes', 'enex__yarle_test-noteWithLatLong.enex'),
  f('notes', 'enex__test-task-lists.enex'),
  ...['exifr__IMG_20180725_163423-tiny.jpg', 'exifr__png_with_exif_and_gps.png', 'exifr__issue-exifr-4.jpg', 'exifr__heic-iphone7.heic'].map((n) => f('photos', n)),
];

let dir: string;
let a: Core;
let b: Core;
let report: RecoveryReport;
let bundle: string;

interface Row {
  id: string;
  category: string;
  title: string;
  occurred_at: number | null;
  fields: string;
}

function items(core: Core, category: string): Array<Row & { f: Record<string, unknown> }> {
  return all<Row>(core.vault!.indexDb, sql`SELECT id, category, title, occurred_at, fields FROM items WHERE category = ${category}`).map((r) => ({ ...r, f: JSON.parse(r.fields) as Record<string, unknown> }));
}

async function originalHashes(core: Core, category: string, trimEnd = false): Promise<string[]> {
  const out: string[] = [];
  for (const i of items(core, category)) {
    const parts: Buffer[] = [];
    for await (const c of core.vault!.readFile(i.id, 'original')) parts.push(c as Buffer);
    let bytes = Buffer.concat(parts);
    if (trimEnd) bytes = Buffer.from(bytes.toString('latin1').trimEnd(), 'latin1');
    out.push(createHash('sha256').update(bytes).digest('hex'));
  }
  return out.sort();
}

const sorted = (xs: string[]) => [...xs].sort();

beforeAll(async () => {
  dir = tempDir('recovery-roundtrip');
  a = await newCore(join(dir, 'a'));
  await importPaths(a, SOURCES);
  bundle = join(dir, 'bundle');
  report = await runRecovery(a, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: { precision: 'precise', expiresInMinutes: 60 } }, quiet);
  b = await newCore(join(dir, 'b'));
  await importPaths(b, [bundle]);
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  cleanup(dir);
});

describe('recovery round trip through an export bundle', () => {
  it('the report verifies every category it wrote', () => {
    expect(report.ok).toBe(true);
    for (const c of report.categories) {
      expect(c.verified, c.category).toBe(c.written);
      expect(c.written + c.skipped.length, c.category).toBe(c.expected);
    }
    expect(report.categories.map((c) => c.category)).toEqual(['contact', 'event', 'message', 'call', 'note', 'email', 'photo']);
  });

  it('contacts: same names, phones and e-mail addresses', () => {
    const key = (c: { title: string; f: Record<string, unknown> }) =>
      JSON.stringify([c.title, sorted(((c.f.phones as Array<{ value: string }>) ?? []).map((p) => p.value)), sorted(((c.f.emails as Array<{ value: string }>) ?? []).map((e) => e.value.toLowerCase()))]);
    expect(sorted(items(b, 'contact').map(key))).toEqual(sorted(items(a, 'contact').map(key)));
  });

  it('events: same titles at the same times, and unknown X- properties kept', () => {
    const key = (e: Row) => `${e.title}@${e.occurred_at}`;
    expect(sorted(items(b, 'event').map(key))).toEqual(sorted(items(a, 'event').map(key)));
    const xs = (core: Core) => sorted(items(core, 'event').flatMap((e) => ((e.f.jcal as [string, Array<[string]>]) ?? ['', []])[1].map((p) => p[0]).filter((n) => n.startsWith('x-'))));
    expect(xs(b)).toEqual(xs(a));
  });

  it('messages and calls: same address, date and body', () => {
    const key = (m: { f: Record<string, unknown> }) => {
      const at = (m.f.attributes ?? {}) as Record<string, string>;
      return `${at.address}|${at.date}|${at.body ?? ''}|${at.duration ?? ''}`;
    };
    for (const c of ['message', 'call']) expect(sorted(items(b, c).map(key)), c).toEqual(sorted(items(a, c).map(key)));
  });

  it('notes: same titles, and the text of each note survives', () => {
    const na = items(a, 'note').filter((n) => n.f.format !== 'google-keep-labels');
    const nb = items(b, 'note');
    // A Markdown heading is one line: a multi-line title comes back joined (listed as unsupported in the report).
    expect(sorted(nb.map((n) => n.title))).toEqual(sorted(na.map((n) => n.title.replace(/\s*\n\s*/g, ' ') || 'Untitled note')));
    expect(report.categories.find((c) => c.category === 'note')!.unsupported['multi-line title']).toBe(1);
    expect(report.categories.find((c) => c.category === 'note')!.skipped.map((x) => x.reason)).toEqual(['A Google Keep label list is not a note; each note carries its own labels.']);
    const textOf = (core: Core, id: string) => all<{ body: string }>(core.vault!.indexDb, sql`SELECT body FROM items WHERE id = ${id}`)[0]?.body ?? '';
    for (const n of na) {
      const matches = nb.filter((x) => x.title === n.title.replace(/\s*\n\s*/g, ' '));
      const firstLine = textOf(a, n.id).split('\n').find((l) => l.trim() && l.trim() !== n.title)?.trim();
      if (firstLine) expect(matches.some((m) => textOf(b, m.id).includes(firstLine)), n.title).toBe(true);
    }
  });

  it('e-mail: every message back, byte for byte but for trailing blank lines (which mbox cannot hold)', async () => {
    const key = (e: { f: Record<string, unknown> }) => `${String(e.f.messageId ?? '')}|${String(e.f.subject ?? '')}`;
    expect(sorted(items(b, 'email').map(key))).toEqual(sorted(items(a, 'email').map(key)));
    expect(await originalHashes(b, 'email', true)).toEqual(await originalHashes(a, 'email', true));
  });

  it('photos: identical by hash (precise location allowed)', async () => {
    expect(await originalHashes(b, 'photo')).toEqual(await originalHashes(a, 'photo'));
  });

  it('a second run into the same folder resumes to the identical result, with no duplicates', async () => {
    const before = treeHashes(bundle);
    const again = await runRecovery(a, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: { precision: 'precise', expiresInMinutes: 60 } }, quiet);
    const after = treeHashes(bundle);
    delete before['keepsake-recovery.json'];
    delete after['keepsake-recovery.json'];
    expect(after).toEqual(before);
    expect(again.categories.map((c) => c.written)).toEqual(report.categories.map((c) => c.written));
    expect(Object.keys(after).some((p) => p.endsWith('.keepsake-tmp'))).toBe(false);
  });

  it('an erased item never comes back; a legal hold does not block a restore', async () => {
    const contact = items(a, 'contact')[0]!;
    const photo = items(a, 'photo')[0]!;
    new LegalHolds(a.vault!.indexDb).holdItem(photo.id, 'litigation');
    await a.vault!.destroyItems([contact.id]);
    const out = join(dir, 'after-erase');
    const r = await runRecovery(a, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: out }, categories: ['contact', 'photo'], location: { precision: 'precise', expiresInMinutes: 60 } }, quiet);
    const contacts = r.categories.find((c) => c.category === 'contact')!;
    expect(contacts.expected).toBe(items(a, 'contact').length);
    expect(r.categories.find((c) => c.category === 'photo')!.written).toBe(items(a, 'photo').length);
    const preview = await dispatch(a, 'recovery.preview', { source: { kind: 'everything' }, target: { kind: 'bundle', dir: join(dir, 'p') }, location: { precision: 'none', expiresInMinutes: 5 } });
    expect(preview.ok && (preview.value as RecoveryPreview).counts.contact).toBe(items(a, 'contact').length);
  });
});
