// "Download my data": everything Keepsake holds about the person as a portable bundle, as
// a job with progress and cancel. Confirm it's you (the same fresh-passphrase check erase
// uses) → rate limit → standard formats through the device-recovery bundle writer → every
// item's originals and full record → the consent ledger, receipts, data map and
// non-personal information → index.json and README.html → every file re-read and checked
// → renamed from its temporary folder into place, registered as an export location → an
// export receipt (counts by category and where; never content) in the receipt chain.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobInfo } from '../../../common/contract/jobs';
import { KeepsakeError } from '../../../common/errors';
import { humanBytes, humanCount } from '../../../common/format';
import type { Core } from '../core';
import type { JobControl } from '../jobs/job-manager';
import { openVault, receiptBook } from '../privacy/ledgers';
import { receiptHtml } from '../privacy/receipt-page';
import type { Receipt } from '../privacy/receipts';
import { RATE_RULES, type RateLimiter } from '../rate-limit';
import { hashFile, inside, sha256, writeAtomic } from '../recovery/atomic';
import { MANIFEST, newRecoveryId, runRecovery } from '../recovery/recovery-job';
import { requireFreshIdentity } from '../security/reverify';
import { all, sql } from '../vault/sql';
import { checkOutsideDataFolder, prepareDestination } from './destination';
import { markRunning, removeAbandonedReports } from './abandoned';
import type { EntrySpool } from './entry-spool';
import { writeItemFiles, type IndexEntry, type WrittenFile } from './item-files';
import { JsonDocumentStream, type StreamedFile } from './json-stream';
import { writeLedgerFiles } from './ledger-files';
import { readmeHtml } from './readme';
import { checkNoneErased, forgetTemporary, locationName, registerAndMove } from './register';

export const INDEX = 'index.json';
export const README = 'README.html';

export interface PrivacyReportResult {
  /** The report folder. */
  dir: string;
  receipt: Receipt;
  items: number;
  files: number;
  bytes: number;
  counts: Record<string, number>;
}

const running = new WeakSet<Core>();

/** Starts the report job; throws at once (REVERIFY, BAD_INPUT, CONFLICT, RATE_LIMITED) when it cannot run. */
export function startPrivacyReport(core: Core, limiter: RateLimiter, input: { dir: string }): { info: JobInfo; result: Promise<PrivacyReportResult> } {
  openVault(core);
  requireFreshIdentity(core);
  checkOutsideDataFolder(input.dir, core.dataFolder);
  if (running.has(core)) throw new KeepsakeError('CONFLICT', 'Your data is already being written to a folder; wait for that to finish.');
  limiter.take('export', RATE_RULES.export);
  running.add(core);
  let started: { info: JobInfo; result: Promise<PrivacyReportResult> };
  try {
    started = core.jobs.start({
      kind: 'privacy-report',
      title: 'Download my data',
      canPause: true,
      run: (control) => runPrivacyReport(core, input.dir, control),
      summarize: (r) => `Wrote ${humanCount(r.items)} item${r.items === 1 ? '' : 's'} (${humanCount(r.files)} files, ${humanBytes(r.bytes)}) to ${r.dir}; receipt ${r.receipt.id.slice(0, 8)}`,
    });
  } catch (e) {
    running.delete(core);
    throw e;
  }
  started.result.then(
    () => running.delete(core),
    () => running.delete(core),
  );
  return started;
}

/** index.json, streamed: the head, every item from the spool, then every file of the bundle. */
async function writeIndex(path: string, head: { createdAt: number; appVersion: string; counts: Record<string, number> }, entries: EntrySpool<IndexEntry>, files: WrittenFile[]): Promise<StreamedFile> {
  const doc = await JsonDocumentStream.open(path);
  try {
    await doc.field('format', 'keepsake-privacy-report');
    await doc.field('version', 1);
    await doc.field('createdAt', head.createdAt);
    await doc.field('appVersion', head.appVersion);
    await doc.field('counts', head.counts);
    doc.beginArray('items');
    for await (const e of entries.entries()) await doc.push(e);
    doc.endArray();
    doc.beginArray('files');
    for (const { path: p, category, sha256: h, size } of files) await doc.push({ path: p, category, sha256: h, size });
    doc.endArray();
  } catch (e) {
    await doc.abort();
    throw e;
  }
  return doc.close();
}

/** The report itself (the job's body; tests call it with their own control). */
export async function runPrivacyReport(core: Core, dir: string, control: Pick<JobControl, 'report' | 'checkpoint'> & { id?: string }): Promise<PrivacyReportResult> {
  const vault = openVault(core);
  const db = vault.indexDb;
  const requestedAt = core.clock.now();
  // A report killed earlier left its temporary folder (plaintext) on the data map: gone first.
  // Every index write of the report waits its turn in the vault's write queue (an import's
  // storage-worker batch then makes it wait without freezing the event loop).
  await vault.afterWrites(() => removeAbandonedReports(db));
  const dest = prepareDestination(dir, core.dataFolder, requestedAt);
  const recoveryId = newRecoveryId();
  const unmark = markRunning(db, dest.tmp);
  let written: WrittenFile[];
  let pass: Awaited<ReturnType<typeof writeItemFiles>> | undefined;
  try {
    await mkdir(dest.tmp, { mode: 0o700 });
    control.report({ phase: 'Writing contacts, calendar, messages, mail, notes and photos in standard formats' });
    // Location travels precisely: this is the person's own copy of their own data.
    const report = await runRecovery(
      core,
      { source: { kind: 'everything' }, target: { kind: 'bundle', dir: dest.tmp }, location: { precision: 'precise', expiresInMinutes: 24 * 60 } },
      control,
      { grant: true, recoveryId, ...(control.id ? { jobId: control.id } : {}) },
    );
    if (!report.ok) throw new KeepsakeError('IO', 'Some files did not read back as they were written; nothing was kept. Check the disk and try again.');
    // The standard-format files, read before the item pass records its own files under the same key.
    const recoveryFiles = all<WrittenFile>(db, sql`SELECT path, category, sha256, size FROM recovery_files WHERE recovery_key = ${dest.tmp}`);
    pass = await writeItemFiles(vault, dest.tmp, report, control);
    control.report({ phase: 'Writing the consent ledger, receipts and data map' });
    const ledgerFiles = await writeLedgerFiles(core, dest.tmp, requestedAt);
    const manifest = await hashFile(inside(dest.tmp, MANIFEST));
    if (!manifest) throw new KeepsakeError('IO', 'The recovery report of the bundle is missing; nothing was kept.');
    const before: WrittenFile[] = [...recoveryFiles, { path: MANIFEST, category: '*', ...manifest }, ...pass.files, ...ledgerFiles];
    control.report({ phase: 'Writing the index' });
    const index = await writeIndex(inside(dest.tmp, INDEX), { createdAt: requestedAt, appVersion: core.version, counts: pass.counts }, pass.entries, before);
    await pass.entries.remove();
    const readme = Buffer.from(readmeHtml({ createdAt: requestedAt, counts: pass.counts, files: before.length + 2, appVersion: core.version }), 'utf8');
    await writeAtomic(inside(dest.tmp, README), readme);
    written = [...before, { path: INDEX, category: '*', ...index }, { path: README, category: 'readme', sha256: sha256(readme), size: readme.length }];

    // An erase during the run deletes the files that held its items: say so, not "check the disk".
    checkNoneErased(db, pass.itemIds);
    // Re-read every file: nothing is called exported that does not read back as written.
    let checked = 0;
    for (const f of written) {
      if (checked % 50 === 0) await control.checkpoint();
      const got = await hashFile(inside(dest.tmp, f.path));
      if (!got || got.sha256 !== f.sha256) throw new KeepsakeError('IO', `${f.path} did not read back as it was written; nothing was kept. Check the disk and try again.`);
      control.report({ phase: 'Checking every file', done: ++checked, total: written.length });
    }
    await control.checkpoint(); // the last moment a cancel leaves nothing behind
    control.report({ phase: 'Moving the folder into place' });
    const { itemIds } = pass;
    await vault.afterWrites(() => registerAndMove(db, dest, recoveryId, written, itemIds, core.clock.now()));
  } catch (e) {
    await pass?.entries.remove();
    await rm(dest.tmp, { recursive: true, force: true });
    await vault.afterWrites(() => forgetTemporary(db, dest.tmp));
    throw e;
  } finally {
    unmark();
  }

  const items = pass.itemIds.length;
  const bytes = written.reduce((a, f) => a + f.size, 0);
  control.report({ phase: 'Writing the receipt' });
  const receipt = await vault.afterWrites(() => receiptBook(core).issue({
    kind: 'export',
    scope: `Everything Keepsake holds about you (${humanCount(items)} item${items === 1 ? '' : 's'})`,
    requestedAt,
    counts: pass.counts,
    locations: [
      {
        location: locationName(dest.final),
        kind: 'export',
        outcome: 'exported',
        items,
        detail: `${humanCount(written.length)} files, ${humanBytes(bytes)}, each re-read and checked. Not encrypted: keep the folder safe. Erasing an item in Keepsake deletes the files here that held it.`,
      },
    ],
  }));
  // A copy of the receipt travels with the report (it names no content either).
  await writeAtomic(join(dest.final, 'Privacy', 'export-receipt.json'), Buffer.from(`${JSON.stringify(receipt, null, 2)}\n`, 'utf8'));
  await writeAtomic(join(dest.final, 'Privacy', 'export-receipt.html'), Buffer.from(receiptHtml(receipt), 'utf8'));
  core.log.info('privacy-report.done', { items, files: written.length, bytes });
  return { dir: dest.final, receipt, items, files: written.length, bytes, counts: pass.counts };
}
