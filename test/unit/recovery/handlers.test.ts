// recovery.* through dispatch on a real vault: start needs a fresh identity check (REVERIFY
// before, a job after), the report is found by job id and listed, the bundle becomes an
// 'export' location on the data map with a copy per restored item, the consent is recorded
// with purpose recovery:<id> and the bundle path, and withdrawing after the end is a no-op.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { consentLedger } from '../../../main/core/privacy/ledgers';
import { configureReverify, verifyIdentity } from '../../../main/core/security/reverify';
import { all, sql } from '../../../main/core/vault/sql';
import { cleanup, FIXTURES, importPaths, newCore, PASS, tempDir } from './helpers';

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
    const sources = await dispatch(core, 'recovery.sources', {});
    expect(sources.ok && sources.value[0]).toMatchObject({ kind: 'everything', items: 2 });
    const bundle = join(dir, 'bundle');
    const plan = { source: { kind: 'everything' }, target: { kind: 'bundle', dir: bundle }, location: { precision: 'approximate', expiresInMinutes: 10 } } as const;
    const preview = await dispatch(core, 'recovery.preview', plan);
    expect(preview.ok && preview.value).toMatchObject({ counts: { contact: 1, photo: 1 }, location: { items: [{ category: 'photo', what: 'photo GPS', as: 'approximate' }] } });

    const refused = await dispatch(core, 'recovery.start', plan);
    expect(refused.ok ? null : refused.error.code).toBe('REVERIFY');
    await verifyIdentity(core, PASS);
    const started = await dispatch(core, 'recovery.start', plan);
    if (!started.ok) throw new Error(started.error.message);
    const job = await waitJob(started.value.id);
    expect(job.state).toBe('succeeded');

    const report = await dispatch(core, 'recovery.report', { id: started.value.id });
    if (!report.ok) throw new Error(report.error.message);
    expect(report.value).toMatchObject({ ok: true, state: 'finished', location: { coarsened: 1 } });
    const list = await dispatch(core, 'recovery.list', {});
    expect(list.ok && list.value.map((r) => r.id)).toEqual([report.value.id]);

    const db = core.vault!.indexDb;
    const loc = all<{ id: number; ref: string }>(db, sql`SELECT id, ref FROM locations WHERE kind = 'export'`);
    expect(loc.map((l) => l.ref)).toEqual([bundle]);
    expect(all(db, sql`SELECT item_id FROM copies WHERE location_id = ${loc[0]!.id} AND state = 'present'`)).toHaveLength(2);

    const grants = consentLedger(core).list().filter((r) => r.purpose === `recovery:${report.value.id}`);
    expect(grants.map((g) => [g.action, g.recipient, g.precision])).toEqual([
      ['granted', bundle, 'approximate'],
      ['withdrawn', bundle, 'approximate'],
    ]);
    const w = await dispatch(core, 'recovery.withdrawLocation', { id: report.value.id });
    expect(w.ok && w.value).toEqual({ withdrawn: false });
    const missing = await dispatch(core, 'recovery.report', { id: 'rec-nope' });
    expect(missing.ok ? null : missing.error.code).toBe('NOT_FOUND');
  });
});
