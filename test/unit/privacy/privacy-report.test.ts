// "Download my data" on a real vault filled from real fixtures: the bundle holds every
// item (JSON index complete, every listed file present, originals byte for byte, full
// records), its standard-format files import back with Keepsake's own importers into a
// new vault, the ledgers and data map travel with it, the files are owner-only, the
// export receipt verifies in the chain, and the folder is an export location that a later
// erase cleans. Refusals: no fresh passphrase (and a wrong one), a folder inside the data
// folder, the rate limit; a cancel leaves nothing behind.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { eraseItems } from '../../../main/core/erasure/erase';
import { receiptBook } from '../../../main/core/privacy/ledgers';
import { startPrivacyReport, runPrivacyReport, type PrivacyReportResult } from '../../../main/core/privacy-report/report-job';
import { RateLimiter, RATE_RULES } from '../../../main/core/rate-limit';
import { configureReverify, forgetIdentity, verifyIdentity } from '../../../main/core/security/reverify';
import { all, get, sql } from '../../../main/core/vault/sql';
import { cleanup, FIXTURES, importPaths, newCore, PASS, tempDir, type TestClock } from '../recovery/helpers';

const f = (...p: string[]) => join(FIXTURES, ...p);
const SOURCES = [
  f('contacts', 'ezvcard__John_Doe_IPHONE.vcf'),
  f('calendar', 'ical4j__EXDATE.ics'),
  f('messages', 'sbr2__sms_small.xml'),
  f('messages', 'shruggie__minimal_calls.xml'),
  ...readdirSync(f('email')).filter((n) => n.endsWith('.eml')).slice(0, 3).map((n) => f('email', n)),
  f('notes', 'enex__test-task-lists.enex'),
  f('notes', 'enex__yarle_test-noteWithLatLong.enex'),
  f('photos', 'exifr__IMG_20180725_163423-tiny.jpg'),
  f('photos', 'exifr__png_with_exif_and_gps.png'),
];

interface Index {
  format: string;
  counts: Record<string, number>;
  items: Array<{ id: string; category: string; title: string; occurredAt: number | null; createdAt: number; storedIn: Array<{ kind: string }>; files: string[] }>;
  files: Array<{ path: string; category: string; sha256: string; size: number }>;
}

let dir: string;
let core: Core;
let result: PrivacyReportResult;
let index: Index;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? [p, ...walk(p)] : [p];
  });
}
async function original(id: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of core.vault!.readFile(id, 'original')) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
async function call(method: string, input: unknown): Promise<unknown> {
  const r = await dispatch(core, method, input);
  if (!r.ok) throw new KeepsakeError(r.error.code, r.error.message);
  return r.value;
}
async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (e) {
    return e instanceof KeepsakeError ? e.code : String(e);
  }
}

beforeAll(async () => {
  dir = tempDir('privacy-report');
  core = await newCore(dir);
  configureReverify(core, { kdf: { fastKdfForTests: true } });
  await importPaths(core, SOURCES);
  await verifyIdentity(core, PASS);
  result = await startPrivacyReport(core, new RateLimiter(() => core.clock.now()), { dir: join(dir, 'out') }).result;
  index = JSON.parse(readFileSync(join(result.dir, 'index.json'), 'utf8')) as Index;
}, 120_000);

afterAll(async () => {
  await core?.close();
  cleanup(dir);
});

describe('privacy report', () => {
  it('lands in a new dated folder inside the picked one, with no temporary left and owner-only permissions', () => {
    expect(result.dir).toBe(join(dir, 'out', 'Keepsake data 2026-01-15'));
    expect(readdirSync(join(dir, 'out'))).toEqual(['Keepsake data 2026-01-15']);
    const entries = [result.dir, ...walk(result.dir)];
    for (const p of entries) {
      const mode = statSync(p).mode & 0o777;
      expect(mode & 0o077, relative(dir, p)).toBe(0);
    }
    expect(entries.some((p) => p.endsWith('.keepsake-tmp'))).toBe(false);
  });

  it('the JSON index lists every item of the vault with its category, title, dates, copies and files', () => {
    const rows = all<{ id: string; category: string; title: string; occurred_at: number | null }>(core.vault!.indexDb, sql`SELECT id, category, title, occurred_at FROM items`);
    expect(rows.length).toBeGreaterThan(10);
    expect(index.items.map((i) => i.id).sort()).toEqual(rows.map((r) => r.id).sort());
    const byId = new Map(index.items.map((i) => [i.id, i]));
    for (const r of rows) {
      const e = byId.get(r.id)!;
      expect({ category: e.category, title: e.title, occurredAt: e.occurredAt }).toEqual({ category: r.category, title: r.title, occurredAt: r.occurred_at });
      expect(e.storedIn.some((s) => s.kind === 'vault')).toBe(true);
      expect(e.files.length).toBeGreaterThan(0);
      for (const p of e.files) expect(existsSync(join(result.dir, p)), p).toBe(true);
    }
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.category] = (counts[r.category] ?? 0) + 1;
    expect(index.counts).toEqual(counts);
    expect(result.counts).toEqual(counts);
    // Every file the index lists is there with the hash it names.
    for (const file of index.files) expect(sha(readFileSync(join(result.dir, file.path))), file.path).toBe(file.sha256);
  });

  it('holds every original byte for byte and every record in full', async () => {
    for (const e of index.items) {
      const item = core.vault!.getItem(e.id)!;
      if (item.files.some((x) => x.role === 'original')) {
        const want = sha(await original(e.id));
        expect(e.files.some((p) => sha(readFileSync(join(result.dir, p))) === want), `${e.category} ${e.title}`).toBe(true);
      }
      const records = JSON.parse(readFileSync(join(result.dir, 'Records', `${e.category}.json`), 'utf8')) as { items: Array<{ id: string; text: string; fields: unknown }> };
      const rec = records.items.find((r) => r.id === e.id)!;
      expect(rec.text).toBe(item.text);
      expect(rec.fields).toEqual(item.fields);
    }
    // Each photo is in the dated tree once (not duplicated under Originals/).
    const photos = index.items.filter((i) => i.category === 'photo');
    expect(photos.every((p) => p.files.some((x) => x.startsWith('Photos/')) && !p.files.some((x) => x.startsWith('Originals/')))).toBe(true);
  });

  it('its standard-format files import back with Keepsake’s own importers', async () => {
    const b = await newCore(join(dir, 'b'));
    try {
      const standard = ['Contacts/contacts.vcf', 'Calendar/calendar.ics', 'Messages/sms.xml', 'Messages/calls.xml', 'Email/mail.mbox', 'Notes', 'Photos'].map((p) => join(result.dir, p));
      await importPaths(b, standard);
      const count = (c: Core) =>
        Object.fromEntries(all<{ category: string; n: number }>(c.vault!.indexDb, sql`SELECT category, count(*) AS n FROM items WHERE category != 'file' GROUP BY category`).map((r) => [r.category, r.n]));
      // What the index says a standard file holds is what came back.
      const expected: Record<string, number> = {};
      for (const e of index.items) if (e.files.some((p) => !/^(Originals|Records)\//.test(p))) expected[e.category] = (expected[e.category] ?? 0) + 1;
      expect(count(b)).toEqual(expected);
      for (const c of ['contact', 'event', 'message', 'call', 'email', 'note', 'photo']) expect(expected[c], c).toBeGreaterThan(0);
      const titles = (c: Core, cat: string) => all<{ title: string }>(c.vault!.indexDb, sql`SELECT title FROM items WHERE category = ${cat} ORDER BY title`).map((r) => r.title);
      expect(titles(b, 'contact')).toEqual(titles(core, 'contact'));
    } finally {
      await b.close();
    }
  }, 120_000);

  it('carries the ledgers, data map and non-personal information, with a README', () => {
    const consent = JSON.parse(readFileSync(join(result.dir, 'Privacy', 'consent-ledger.json'), 'utf8')) as { verdict: { ok: boolean }; records: unknown[] };
    expect(consent.verdict.ok).toBe(true);
    expect(consent.records.length).toBeGreaterThan(0); // the location grant for writing the bundle
    const receipts = JSON.parse(readFileSync(join(result.dir, 'Privacy', 'receipts.json'), 'utf8')) as { verdict: { ok: boolean } };
    expect(receipts.verdict.ok).toBe(true);
    const map = JSON.parse(readFileSync(join(result.dir, 'Privacy', 'data-map.json'), 'utf8')) as { matrix: unknown };
    expect(map.matrix).toBeTruthy();
    const np = JSON.parse(readFileSync(join(result.dir, 'Privacy', 'non-personal.json'), 'utf8')) as { leavesComputer: boolean };
    expect(np.leavesComputer).toBe(false);
    const readme = readFileSync(join(result.dir, 'README.html'), 'utf8');
    expect(readme).toMatch(/not encrypted/);
    expect(readme).not.toMatch(/<script/i);
  });

  it('issues an export receipt (counts and where, no content) that verifies in the chain', () => {
    const r = result.receipt;
    expect(r.kind).toBe('export');
    expect(r.counts).toEqual(index.counts);
    expect(r.locations).toEqual([expect.objectContaining({ kind: 'export', outcome: 'exported', items: index.items.length, location: `Privacy report ${result.dir}` })]);
    expect(JSON.stringify(r)).not.toContain('John Doe');
    expect(receiptBook(core).get(r.id)).toEqual(r);
    expect(receiptBook(core).verify().ok).toBe(true);
    expect(JSON.parse(readFileSync(join(result.dir, 'Privacy', 'export-receipt.json'), 'utf8'))).toEqual(r);
  });

  it('appears on the data map as an export location holding a copy of every item', () => {
    const db = core.vault!.indexDb;
    const loc = get<{ id: number }>(db, sql`SELECT id FROM locations WHERE kind = 'export' AND ref = ${result.dir}`);
    expect(loc).toBeTruthy();
    expect(get<{ n: number }>(db, sql`SELECT count(*) AS n FROM copies WHERE location_id = ${loc!.id}`)?.n).toBe(index.items.length);
    expect(get<{ n: number }>(db, sql`SELECT count(*) AS n FROM locations WHERE ref LIKE '%keepsake-tmp%'`)?.n).toBe(0);
  });

  it('refuses without a fresh passphrase, after a wrong one, inside the data folder, and beyond the rate', async () => {
    forgetIdentity(core);
    expect(await code(call('privacy.report', { dir: join(dir, 'out2') }))).toBe('REVERIFY');
    expect(await code(call('security.verifyIdentity', { passphrase: 'not the passphrase' }))).toBe('WRONG_PASSPHRASE');
    expect(await code(call('privacy.report', { dir: join(dir, 'out2') }))).toBe('REVERIFY');
    expect(existsSync(join(dir, 'out2'))).toBe(false);
    (core.clock as TestClock).t += 2_000; // past the wrong passphrase's back-off
    await verifyIdentity(core, PASS);
    expect(await code(call('privacy.report', { dir: join(core.dataFolder, 'inside') }))).toBe('BAD_INPUT');
    expect(await code(call('privacy.report', { dir: core.dataFolder }))).toBe('BAD_INPUT');
    const limiter = new RateLimiter(() => core.clock.now());
    for (let i = 0; i < RATE_RULES.export.max; i++) limiter.take('export', RATE_RULES.export);
    expect(await code(() => startPrivacyReport(core, limiter, { dir: join(dir, 'out2') }))).toBe('RATE_LIMITED');
    expect(existsSync(join(dir, 'out2'))).toBe(false);
  });

  it('a cancel leaves no folder and no record behind', async () => {
    let n = 0;
    const cancelling = {
      report() {},
      async checkpoint() {
        if (++n === 5) throw new KeepsakeError('CANCELLED', 'The job was cancelled.');
      },
    };
    expect(await code(runPrivacyReport(core, join(dir, 'out3'), cancelling))).toBe('CANCELLED');
    expect(readdirSync(join(dir, 'out3'))).toEqual([]);
    const db = core.vault!.indexDb;
    expect(get<{ n: number }>(db, sql`SELECT count(*) AS n FROM locations WHERE ref LIKE ${`${join(dir, 'out3')}%`}`)?.n).toBe(0);
    expect(get<{ n: number }>(db, sql`SELECT count(*) AS n FROM recovery_files WHERE recovery_key LIKE ${`${join(dir, 'out3')}%`}`)?.n).toBe(0);
  });

  it('erasing an item later deletes the report files that held it, and the receipt names the report', async () => {
    const photo = index.items.find((i) => i.category === 'photo')!;
    const receipt = await eraseItems(core, core.vault!, { itemIds: [photo.id], scope: '1 photo' });
    const line = receipt.locations.find((l) => l.kind === 'export');
    expect(line).toMatchObject({ location: `Privacy report ${result.dir}`, outcome: 'erased', items: 1 });
    for (const p of photo.files) expect(existsSync(join(result.dir, p)), p).toBe(false);
    // Files naming items of every kind go whole; other kinds stay until erased themselves.
    expect(existsSync(join(result.dir, 'index.json'))).toBe(false);
    expect(existsSync(join(result.dir, 'keepsake-recovery.json'))).toBe(false);
    expect(existsSync(join(result.dir, 'Contacts', 'contacts.vcf'))).toBe(true);
    expect(existsSync(join(result.dir, 'README.html'))).toBe(true);
    expect(receiptBook(core).verify().ok).toBe(true);
  }, 60_000);
});
