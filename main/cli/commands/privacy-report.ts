// `keepsake privacy-report <folder>`: "Download my data" from the command line — everything
// Keepsake holds about you, written to a new folder "Keepsake data YYYY-MM-DD" inside
// <folder> (never inside the data folder), with an export receipt. Identity is
// re-verified with the passphrase (KEEPSAKE_PASSPHRASE when unattended), as for erase.
import { KeepsakeError } from '../../../common/errors';
import { call } from '../../core/dispatch';
import { checkOutsideDataFolder } from '../../core/privacy-report/destination';
import { verifyIdentity } from '../../core/security/reverify';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print, readPassphrase } from './vault-common';
import { waitForJob } from '../wait-for-job';

export const privacyReportCommand: Command = {
  name: 'privacy-report',
  usage: [
    'Usage: keepsake privacy-report <folder> [--json]',
    '',
    'Writes everything Keepsake holds about you to a new folder inside <folder>: a JSON',
    'index of every item, the original files, standard formats (vCard, iCalendar, SMS',
    'Backup & Restore XML, mbox, Markdown, dated photo folders), full records as JSON,',
    'the consent ledger, receipts and data map, and a README. Every file is checked after',
    'writing; the export gets a receipt (keepsake receipts). The folder is NOT encrypted.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: { ...PASSPHRASE_OPTIONS },
  async run(ctx) {
    const [folder, extra] = ctx.positionals;
    if (!folder || extra !== undefined) throw new KeepsakeError('BAD_INPUT', 'Give one folder to write your data into: keepsake privacy-report <folder>.');
    const core = ctx.core();
    checkOutsideDataFolder(folder, core.dataFolder); // before the slow passphrase checks
    // Read once: the same passphrase opens the vault and confirms it's you.
    const passphrase = await readPassphrase(ctx);
    await openVaultFor({ ...ctx, env: { ...ctx.env, KEEPSAKE_PASSPHRASE: passphrase } });
    await verifyIdentity(core, passphrase);
    const job = await call(core, 'privacy.report', { dir: folder });
    const done = await waitForJob(core, job.id, (j) => {
      if (!ctx.json && j.phase) ctx.err(`${j.phase}${j.total ? ` (${j.done}/${j.total})` : ''}`);
    });
    if (done.state !== 'succeeded') throw new KeepsakeError(done.error?.code ?? 'INTERNAL', done.error?.message ?? 'The report did not finish.');
    const receipt = (await call(core, 'receipts.list', {})).find((r) => r.kind === 'export');
    if (!receipt) throw new KeepsakeError('INTERNAL', 'The report finished without its receipt.');
    const where = receipt.locations[0];
    print(ctx, { receipt, dir: where?.location.replace(/^Privacy report /, '') ?? null }, `${done.summary ?? 'Done.'}\nReceipt ${receipt.id}: ${where?.detail ?? ''}`);
    return 0;
  },
};

/** Waits for the job to finish, passing each distinct phase to `onPhase`. */
