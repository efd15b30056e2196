// A recovery, end to end: select the items, record the location choice in the consent
// ledger, write an export bundle (or offer the items to a paired phone), verify every
// file by re-reading it, end the consent, purge the location data collected for the
// recovery with a receipt, and keep the verification report. A rerun with the same plan
// and folder resumes: notes and media already complete and identical are kept, the rest
// (and every standard-format file, which is generated as it is written) is rewritten
// through temporaries, so the result is identical and nothing is duplicated.
// Only counts are taken up front; items are read page by page and the standard-format
// files streamed (bundle-writer.ts), so a vault of any size fits in bounded memory.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CategoryReport, RecoveryCategory, RecoveryPlan, RecoveryReport } from '../../../common/contract/recovery';
import type { JobInfo } from '../../../common/contract/jobs';
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import type { JobControl } from '../jobs/job-manager';
import { consentLedger, openVault, receiptBook } from '../privacy/ledgers';
import { requireFreshIdentity } from '../security/reverify';
import { all, get, run, sql } from '../vault/sql';
import { inside, sweepTemporaries, writeAtomic } from './atomic';
import { writeBundle } from './bundle-writer';
import { offerToDevice } from './device-target';
import { LocationPolicy, recoveryPurpose } from './location';
import { countSelection, eachSelected } from './select';
import { loadReport, saveReport } from './store';

export type RecoveryControl = Pick<JobControl, 'report' | 'checkpoint'>;

export interface RunOptions {
  /** Record the plan's location choice as a grant (the handler does; consent tests give their own). */
  grant?: boolean;
  recoveryId?: string;
}

export const CATEGORY_ORDER: RecoveryCategory[] = ['contact', 'event', 'message', 'call', 'note', 'email', 'photo', 'video', 'screenshot'];
export const MANIFEST = 'keepsake-recovery.json';

export function newRecoveryId(): string {
  return `rec-${randomBytes(6).toString('hex')}`;
}

export function recipientOf(plan: RecoveryPlan): string {
  return plan.target.kind === 'bundle' ? resolve(plan.target.dir) : `device:${plan.target.deviceId}`;
}

/** Starts the recovery as a job; needs a fresh identity check. */
export function startRecovery(core: Core, plan: RecoveryPlan): { info: JobInfo; result: Promise<RecoveryReport> } {
  requireFreshIdentity(core);
  openVault(core);
  const recoveryId = newRecoveryId();
  return core.jobs.start({
    kind: 'recovery',
    title: plan.target.kind === 'bundle' ? 'Restore to an export bundle' : 'Restore to a new phone',
    canPause: true,
    run: (control) => runRecovery(core, plan, control, { grant: true, recoveryId, jobId: control.id }),
    summarize: (r) => summarize(r),
  });
}

export function summarize(r: RecoveryReport): string {
  const written = r.categories.reduce((a, c) => a + c.written, 0);
  const verified = r.categories.reduce((a, c) => a + c.verified, 0);
  const skipped = r.categories.reduce((a, c) => a + c.skipped.length, 0);
  return `Restored ${written} item${written === 1 ? '' : 's'}, ${verified} verified${skipped ? `, ${skipped} skipped` : ''}.`;
}

async function checkTarget(core: Core, dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new KeepsakeError('IO', `The folder ${dir} cannot be read.`);
  }
  if (names.length === 0 || names.includes(MANIFEST)) return;
  const ours = get(openVault(core).indexDb, sql`SELECT 1 AS x FROM recovery_files WHERE recovery_key = ${dir} LIMIT 1`);
  if (!ours) throw new KeepsakeError('CONFLICT', `The folder ${dir} already holds other files. Choose an empty folder for the bundle.`);
}

function emptyReport(category: RecoveryCategory, expected: number): CategoryReport {
  return { category, expected, written: 0, verified: 0, skipped: [], unsupported: {}, files: [] };
}

export async function runRecovery(core: Core, plan: RecoveryPlan, control: RecoveryControl, opts: RunOptions & { jobId?: string } = {}): Promise<RecoveryReport> {
  const vault = openVault(core);
  const db = vault.indexDb;
  const ledger = consentLedger(core);
  const id = opts.recoveryId ?? newRecoveryId();
  const recipient = recipientOf(plan);
  const purpose = recoveryPurpose(id);
  if (plan.target.kind === 'bundle') await checkTarget(core, recipient);
  // Every index write of a recovery takes its turn in the vault's write queue
  // (Vault.afterWrites): an import's storage-worker batch may hold the index.
  await vault.afterWrites(() => endInterrupted(core, recipient));
  const now = core.clock.now();
  let consentId: string | null = null;
  if (opts.grant !== false) {
    const grant = { subject: 'location', purpose, recipient, precision: plan.location.precision, expiresAt: now + plan.location.expiresInMinutes * 60_000 } as const;
    consentId = (await vault.afterWrites(() => ledger.grant(grant))).id;
  }
  const policy = new LocationPolicy(ledger, purpose, recipient);
  // Counts only: the items themselves are read page by page while they are written.
  const selection = countSelection(db, plan);
  const report: RecoveryReport = {
    id,
    state: 'running',
    target: plan.target.kind === 'bundle' ? { kind: 'bundle', dir: recipient } : plan.target,
    startedAt: now,
    finishedAt: null,
    categories: CATEGORY_ORDER.filter((c) => selection.counts.has(c)).map((c) => emptyReport(c, selection.counts.get(c)!)),
    location: { precision: plan.location.precision, consentId, shared: 0, coarsened: 0, removed: 0, notes: [], purgeReceiptId: null },
    erasedLeftOut: selection.erasedLeftOut,
    ok: false,
  };
  await vault.afterWrites(() => run(db, sql`INSERT INTO recoveries (id, job_id, plan, report, state, consent_id, created_at) VALUES (${id}, ${opts.jobId ?? null}, ${JSON.stringify(plan)}, ${JSON.stringify(report)}, 'running', ${consentId}, ${now})`));
  const total = report.categories.reduce((a, c) => a + c.expected, 0);
  const logLocation = async (itemId: string, what: string, before: { s: number; c: number }): Promise<void> => {
    const as = policy.shared > before.s ? 'precise' : policy.coarsened > before.c ? 'approximate' : null;
    if (as) await vault.afterWrites(() => run(db, sql`INSERT OR REPLACE INTO recovery_location_log (recovery_id, item_id, what, shared_as, at) VALUES (${id}, ${itemId}, ${what}, ${as}, ${core.clock.now()})`));
  };
  try {
    if (plan.target.kind === 'device') {
      await offerToDevice(core, plan.target.deviceId, plan, report, policy, control);
    } else {
      await sweepTemporaries(recipient);
      await writeBundle({ vault, root: recipient, plan, policy, control, logLocation, progress: { done: 0, total } }, report.categories);
      await registerExport(core, recipient, report);
    }
    report.state = 'finished';
  } catch (e) {
    report.state = e instanceof KeepsakeError && e.code === 'CANCELLED' ? 'cancelled' : 'failed';
    await vault.afterWrites(() => finish(core, report, policy, consentId));
    throw e;
  }
  await vault.afterWrites(() => finish(core, report, policy, consentId));
  if (plan.target.kind === 'bundle') {
    await writeAtomic(inside(recipient, MANIFEST), Buffer.from(JSON.stringify({ format: 'keepsake-recovery', version: 1, report }, null, 2) + '\n', 'utf8'));
  }
  return report;
}

/** A run killed before it finished left its recovery "running": end it (consent withdrawn, location log purged) before the rerun. */
function endInterrupted(core: Core, recipient: string): void {
  const db = openVault(core).indexDb;
  const rows = all<{ id: string; report: string; consent_id: string | null }>(db, sql`SELECT id, report, consent_id FROM recoveries WHERE state = 'running'`);
  for (const row of rows) {
    const r = JSON.parse(row.report) as RecoveryReport;
    if (recipientKey(r) !== recipient) continue;
    if (core.jobs.list().some((j) => j.kind === 'recovery' && !j.finishedAt && r.id === row.id && j.id === get<{ job_id: string | null }>(db, sql`SELECT job_id FROM recoveries WHERE id = ${row.id}`)?.job_id)) continue;
    r.state = 'failed';
    r.location.notes.push('This recovery was interrupted before it finished; a later run completed it.');
    const policy = new LocationPolicy(consentLedger(core), recoveryPurpose(r.id), recipient);
    finish(core, r, policy, row.consent_id);
  }
}

function recipientKey(r: RecoveryReport): string {
  return r.target.kind === 'bundle' ? r.target.dir : `device:${r.target.deviceId}`;
}

/** Ends the recovery: drops to the ledger, the consent ended, the collected location data purged with a receipt, the report kept. */
function finish(core: Core, report: RecoveryReport, policy: LocationPolicy, consentId: string | null): void {
  const vault = openVault(core);
  const db = vault.indexDb;
  const ledger = consentLedger(core);
  report.location.shared = policy.shared;
  report.location.coarsened = policy.coarsened;
  report.location.removed = policy.removed;
  report.location.notes.push(...policy.flush());
  const e = policy.effective();
  if (report.location.shared + report.location.coarsened === 0) report.location.notes.push(`No location data was shared${e.reason ? ` (${e.reason})` : ''}.`);
  if (consentId && ledger.active('location', policy.purpose, policy.recipient).live) ledger.withdraw(consentId);
  const purged = run(db, sql`DELETE FROM recovery_location_log WHERE recovery_id = ${report.id}`).changes;
  const receipt = receiptBook(core).issue({
    kind: 'recovery-purge',
    scope: `Location data collected for recovery ${report.id}`,
    requestedAt: core.clock.now(),
    counts: { location: purged },
    locations: [{ location: 'This computer', kind: 'vault', outcome: 'erased', items: purged, detail: 'The record of which locations travelled was deleted; the originals in the vault are unchanged.' }],
  });
  report.location.purgeReceiptId = receipt.id;
  report.finishedAt = core.clock.now();
  report.ok = report.state === 'finished' && report.categories.every((c) => c.verified === c.written);
  saveReport(db, report);
}

/** The bundle folder becomes a location on the data map, holding a copy of each written item. */
async function registerExport(core: Core, root: string, report: RecoveryReport): Promise<void> {
  const vault = openVault(core);
  const db = vault.indexDb;
  const now = core.clock.now();
  const loc = await vault.afterWrites(() => {
    run(db, sql`INSERT INTO locations (kind, name, ref, created_at) VALUES ('export', ${`Recovery bundle ${root}`}, ${root}, ${now}) ON CONFLICT (kind, ref) DO NOTHING`);
    const row = get<{ id: number }>(db, sql`SELECT id FROM locations WHERE kind = 'export' AND ref = ${root}`)!;
    run(db, sql`UPDATE recoveries SET location_id = ${row.id} WHERE id = ${report.id}`);
    return row;
  });
  const skipped = new Set(report.categories.flatMap((c) => c.skipped.map((s) => s.itemId)));
  // Only the items this run selected: re-derived from the plan stored with the recovery, a page at a time.
  const plan = JSON.parse(get<{ plan: string }>(db, sql`SELECT plan FROM recoveries WHERE id = ${report.id}`)!.plan) as RecoveryPlan;
  for (const cat of report.categories) {
    for (const page of eachSelected(db, plan, cat.category)) {
      await vault.afterWrites(() =>
        db.transaction(() => {
          for (const i of page) {
            if (skipped.has(i.id)) continue;
            run(db, sql`INSERT INTO copies (item_id, location_id, state, since, last_verified, encryption) VALUES (${i.id}, ${loc.id}, 'present', ${now}, ${now}, 'none') ON CONFLICT (item_id, location_id) DO UPDATE SET state = 'present', last_verified = excluded.last_verified`);
          }
        })(),
      );
    }
  }
}

export { loadReport };
