// recovery.* through dispatch on a real vault: start needs a fresh identity check (REVERIFY
// before, a job after), the report is found by job id and listed, the bundle becomes an
// 'export' location on the data map with a copy per restored item, the consent is recorded
// with purpose recovery:<id> and the bundle path, and withdrawing after the end is a no-op.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import { call } from '../../../main/core/dispatch';
import { consentLedger } from '../../../main/core/privacy/ledgers';
import { runRecovery } from '../../../main/core/recovery/recovery-job';
import { configureReverify, verifyIdentity } from '../../../main/core/security/reverify';
import { all, sql } from '../../../main/core/vault/sql';
import { cleanup, FIXTURES, importPaths, newCore, PASS, quiet, tempDir } from './helpers';

let dir: string;
let core: Core;

beforeEach(async () => {
  dir = tempDir('recovery-handlers');
  core = await newCore(dir);
  configureReverify(core, { kdf: { fastKdfForTests: true } });
  await importPaths(core, [join(FIXTURES, 'contacts', 'ezvcard__John_Doe_IPHONE.vcf'), join(FIXTURES, 'photos', 'exifr__IMG_20180725_163423-tiny.jpg')]);
});

afterEach(async () => {
  await core.close();
  cleanup(dir);
});

async function waitJob(id: string) {
  for (;;) {
    const job = core.jobs.get(id);
    if (job.finishedAt) return job;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('recovery handlers', () => {
  it('sources, preview, start behind a fresh identity check, report, list, data map, consent', async () => {
    expect((await call(core, 'recovery.sources', {}))[0]).toMatchObject({ kind: 'everything', items: 2 });
    const bundle = join(dir, 'bundle');
    const plan = { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: { precision: 'approximate', expiresInMinutes: 10 } } as const;
    expect(await call(core, 'recovery.preview', plan)).toMatchObject({ counts: { contact: 1, photo: 1 }, location: { items: [{ category: 'photo', what: 'photo GPS', as: 'approximate' }] } });

    await expect(call(core, 'recovery.start', plan)).rejects.toMatchObject({ code: 'REVERIFY' });
    await verifyIdentity(core, PASS);
    const started = await call(core, 'recovery.start', plan);
    expect((await waitJob(started.id)).state).toBe('succeeded');

    const report = await call(core, 'recovery.report', { id: started.id });
    expect(report).toMatchObject({ ok: true, state: 'finished', location: { coarsened: 1 } });
    expect((await call(core, 'recovery.list', {})).map((r) => r.id)).toEqual([report.id]);

    const db = core.vault!.indexDb;
    const loc = all<{ id: number; ref: string }>(db, sql`SELECT id, ref FROM locations WHERE kind = 'export'`);
    expect(loc.map((l) => l.ref)).toEqual([bundle]);
    expect(all(db, sql`SELECT item_id FROM copies WHERE location_id = ${loc[0]!.id} AND state = 'present'`)).toHaveLength(2);

    const grants = consentLedger(core).list().filter((r) => r.purpose === `recovery:${report.id}`);
    expect(grants.map((g) => [g.action, g.recipient, g.precision])).toEqual([
      ['granted', bundle, 'approximate'],
      ['withdrawn', bundle, 'approximate'],
    ]);
    expect(await call(core, 'recovery.withdrawLocation', { id: report.id })).toEqual({ withdrawn: false });
    await expect(call(core, 'recovery.report', { id: 'rec-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('items made in the same instant with the same name get distinct files (no overwrite)', async () => {
    const note = (n: number) => ({ category: 'note' as const, sourceKey: `same-${n}`, title: 'Same title', text: `Same title\nbody ${n}`, fields: { format: 'google-keep' }, personal: true });
    await core.vault!.putItems([note(1), note(2), note(3), note(4)]);
    const r = await runRecovery(core, { source: { kind: 'everything' }, target: { kind: 'bundle', dir: join(dir, 'same') }, categories: ['note'], location: { precision: 'none', expiresInMinutes: 5 } }, quiet);
    const files = r.categories[0]!.files;
    expect(files).toHaveLength(4);
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(4);
    const bodies = files.map((f) => readFileSync(join(dir, 'same', f), 'utf8'));
    for (let n = 1; n <= 4; n++) expect(bodies.some((b) => b.includes(`body ${n}`))).toBe(true);
  });
});
