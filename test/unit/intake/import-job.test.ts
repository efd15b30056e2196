// The import job end to end on a real encrypted vault in a temp folder: every record
// fixture folder imported with the right totals, a second import adds nothing, erased
// items stay erased (tombstoned), wrong extensions still work, missing paths and junk are
// refused with reasons, cancel keeps what was finished and a rerun resumes from the
// checkpoints, progress is reported, and intake.* handlers serve the job and its report.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../common/contract/intake';
import type { JobInfo } from '../../../common/contract/jobs';
import { KeepsakeError } from '../../../common/errors';
import { Core } from '../../../main/core/core';
import { handlers } from '../../../main/core/handlers';
import { importReport, launchImport, runImport, type ImportControl } from '../../../main/core/intake/import-job';
import { silentLog } from '../../../main/core/log';
import { all, sql } from '../../../main/core/vault/sql';
import { Vault } from '../../../main/core/vault/vault';
import { FIXTURES } from './records/helpers';

const FOLDERS = ['contacts', 'calendar', 'messages', 'email', 'notes'].map((f) => join(FIXTURES, f));
/** Items the five record fixture folders hold (the per-file counts are asserted in records/*.test.ts). */
const TOTALS = { contact: 41, event: 303, message: 81, call: 1, email: 31, note: 41 };

let dir: string;
let core: Core;

const control = (): ImportControl & { phases: string[]; last: Record<string, unknown> } => {
  const phases: string[] = [];
  const last: Record<string, unknown> = {};
  return {
    phases,
    last,
    report(p) {
      Object.assign(last, p);
      if (p.phase) phases.push(p.phase);
    },
    async checkpoint() {},
  };
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keepsake-import-'));
  core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(core.dataFolder, 'correct horse battery staple', { fastKdfForTests: true })).vault;
});

afterEach(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

const byName = (r: ImportReport, name: string) => r.files.find((f) => f.path.endsWith(`/${name}`));

describe('import job', () => {
  it('imports every record fixture folder with the right totals, then a second time adds nothing', async () => {
    const c = control();
    const first = await runImport(core, FOLDERS, c);
    expect(first.state).toBe('finished');
    expect(first.internalErrors).toBe(0);
    expect(first.totals).toEqual(TOTALS);
    expect(first.files.filter((f) => f.status === 'refused').map((f) => [f.path.split('/').pop(), f.reason])).toEqual([
      ['shruggie__malformed.xml', 'The XML is broken at line 4, column 3: disallowed character in attribute name.'],
      ['nodembox__test-0-message.mbox', 'The file is empty.'],
      ['nodembox__test-attached.mbox', 'This file does not start with a "From " line, so it is not an mbox mailbox.'],
      ['_broken-json-note.json', expect.stringMatching(/^This Keep note's JSON is broken/)],
    ]);
    // Keep attachments arrive with their notes, not as files of their own.
    expect(first.files.some((f) => f.path.endsWith('.png') || f.path.endsWith('.3gp'))).toBe(false);
    // The 12 SMS of sms_small are also inside sms_and_mms: already present.
    expect(byName(first, 'sbr2__sms_small.xml')).toMatchObject({ status: 'duplicate', items: { message: 12 }, added: 0, duplicates: 12 });
    expect(byName(first, 'sbr2__corrupt_attachments.xml')).toMatchObject({ status: 'imported', items: { message: 2 } });
    expect(first.refusals.filter((r) => r.path.endsWith('sbr2__corrupt_attachments.xml')).map((r) => r.position)).toEqual(['message 1 (line 5), part 1', 'message 2 (line 16), part 1']);
    expect(byName(first, 'frodeto__test-smses.xml')?.notes).toEqual(['The file says it holds 12028 messages, but 4 were found; all 4 were imported.']);
    expect(c.last).toMatchObject({ done: first.files.length, total: first.files.length });
    expect(core.vault!.stats().byCategory).toEqual(Object.fromEntries(Object.entries(TOTALS).map(([k, v]) => [k, k === 'message' ? v - 12 : v])));

    const second = await runImport(core, FOLDERS, control());
    expect(second.totals).toEqual(TOTALS);
    expect(second.files.reduce((a, f) => a + f.added, 0)).toBe(0);
    for (const f of second.files) {
      const n = Object.values(f.items).reduce((a, b) => a + b, 0);
      expect(f.status, f.path).toBe(f.status === 'refused' ? 'refused' : n === 0 ? 'imported' : 'duplicate');
    }
    expect(core.vault!.stats().items).toBe(Object.values(TOTALS).reduce((a, b) => a + b, 0) - 12);
  });

  it('reports erased items as tombstoned instead of bringing them back', async () => {
    const file = join(FIXTURES, 'contacts/ezvcard__gmail-list.vcf');
    await runImport(core, [file], control());
    const ids = core.vault!.listItems({ category: 'contact' }).map((i) => i.id);
    expect(ids).toHaveLength(3);
    await core.vault!.destroyItems(ids);
    const again = await runImport(core, [file], control());
    expect(again.files[0]).toMatchObject({ status: 'tombstoned', items: { contact: 3 }, tombstoned: 3, added: 0 });
    expect(core.vault!.listItems({ category: 'contact' })).toHaveLength(0);
  });

  it('reads files by content whatever their extension, and refuses missing, empty and unknown files with reasons', async () => {
    const pick = join(dir, 'pick');
    mkdirSync(pick);
    copyFileSync(join(FIXTURES, 'contacts/ezvcard__John_Doe_GMAIL.vcf'), join(pick, 'holiday.jpg'));
    copyFileSync(join(FIXTURES, 'messages/shruggie__minimal_calls.xml'), join(pick, 'calls.txt'));
    writeFileSync(join(pick, 'empty.vcf'), '');
    writeFileSync(join(pick, 'mystery.bin'), Buffer.from([0, 1, 2, 3]));
    writeFileSync(join(pick, '.DS_Store'), 'junk');
    const r = await runImport(core, [pick, join(dir, 'nope')], control());
    expect(r.files.map((f) => [f.path.split('/').pop(), f.status, f.format ?? null, f.items, f.reason ?? null])).toEqual([
      ['calls.txt', 'imported', 'sms-backup-xml', { call: 1 }, null],
      ['empty.vcf', 'refused', null, {}, 'The file is empty.'],
      ['holiday.jpg', 'imported', 'vcard', { contact: 1 }, null],
      ['mystery.bin', 'refused', null, {}, 'Keepsake does not recognise this kind of file, so nothing was imported from it.'],
      ['nope', 'refused', null, {}, 'There is no such file or folder, or it cannot be read.'],
    ]);
  });

  it('cancels between files keeping what finished, and a rerun resumes from the checkpoints', async () => {
    let calls = 0;
    const cancelling: ImportControl = {
      report() {},
      async checkpoint() {
        if (++calls > 12) throw new KeepsakeError('CANCELLED', 'The job was cancelled.');
      },
    };
    const err = await runImport(core, [join(FIXTURES, 'contacts')], cancelling, 'job-cancelme').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    const partial = importReport(core, 'job-cancelme');
    expect(partial.state).toBe('cancelled');
    expect(partial.files.length).toBeGreaterThan(0);
    expect(partial.files.length).toBeLessThan(30);
    const finished = partial.files.length;
    const rows = all<{ n: number }>(core.vault!.indexDb, sql`SELECT count(*) AS n FROM job_checkpoints WHERE kind = 'import'`);
    expect(rows[0]!.n).toBe(finished);

    const resumed = await runImport(core, [join(FIXTURES, 'contacts')], control());
    expect(resumed.files).toHaveLength(30);
    // Files finished before the cancel come from their checkpoints: their first report, not "duplicate".
    expect(resumed.files.slice(0, finished).map((f) => f.status)).toEqual(partial.files.map((f) => f.status));
    expect(resumed.totals.contact).toBe(41);
    expect(all<{ n: number }>(core.vault!.indexDb, sql`SELECT count(*) AS n FROM job_checkpoints WHERE kind = 'import'`)[0]!.n).toBe(0);
    expect(core.vault!.stats().byCategory.contact).toBe(41);
  });

  it('runs as a job through intake.start, publishes progress, and serves intake.report and intake.formats', async () => {
    const seen: JobInfo[] = [];
    core.events.subscribe((e) => {
      if (e.name === 'job.progressed') seen.push(e.payload as JobInfo);
    });
    const info = await handlers['intake.start']({ paths: [join(FIXTURES, 'messages')] }, core);
    expect(info).toMatchObject({ kind: 'import', title: 'Import messages', state: 'running' });
    while (core.jobs.get(info.id).state === 'running') await new Promise((r) => setTimeout(r, 20));
    const done = core.jobs.get(info.id);
    expect(done.state).toBe('succeeded');
    expect(done.summary).toMatch(/^Read 82 items from 11 files: 70 new, 1 file refused, 3 parts refused\.$/);
    expect(seen.some((j) => j.bytesTotal !== null && j.bytesTotal > 300_000)).toBe(true);
    const report = await handlers['intake.report']({ jobId: info.id }, core);
    expect(report.totals).toEqual({ message: 81, call: 1 });
    expect(report).not.toHaveProperty('internalErrors');
    const formats = await handlers['intake.formats']({}, core);
    expect(formats.map((f) => f.id)).toEqual(expect.arrayContaining(['vcard', 'icalendar', 'sms-backup-xml', 'mbox', 'eml', 'keep-note', 'enex', 'bear', 'text-note']));
    await expect(handlers['intake.report']({ jobId: 'job-000000' }, core)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('import job limits', () => {
  it('lists at most 1,000 part refusals per file and counts the rest in one line', async () => {
    const file = join(dir, 'many-bad-parts.xml');
    const mms = Array.from({ length: 1200 }, (_, i) => `<mms date="${1000 + i}" msg_box="1" address="+1"><parts><part seq="0" ct="image/png" name="p${i}.png" data="!!not base64!!"/><part seq="1" ct="text/plain" text="m${i}"/></parts><addrs/></mms>`).join('\n');
    writeFileSync(file, `<smses count="1200">\n${mms}\n</smses>\n`);
    const r = await runImport(core, [file], control());
    expect(r.files[0]).toMatchObject({ status: 'imported', items: { message: 1200 } });
    expect(r.refusals).toHaveLength(1001);
    expect(r.refusals[1000]).toEqual({ path: file, position: 'the rest of the file', reason: '200 more parts were refused for the same kinds of reasons as above.' });
  });
});

describe('import job control', () => {
  it('pauses at a safe point, holds still while paused, and finishes after resume', async () => {
    const { info, result } = launchImport(core, [join(FIXTURES, 'contacts')]);
    core.jobs.pause(info.id);
    expect(core.jobs.get(info.id).state).toBe('paused');
    await new Promise((r) => setTimeout(r, 300));
    const held = importReport(core, info.id).files.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(importReport(core, info.id).files.length).toBe(held); // nothing moves while paused
    expect(held).toBeLessThan(30);
    core.jobs.resume(info.id);
    const done = await result;
    expect(done.totals).toEqual({ contact: 41 });
    expect(core.jobs.get(info.id).state).toBe('succeeded');
  });
});
