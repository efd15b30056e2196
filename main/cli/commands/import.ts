// `keepsake import <path…> [--json]`: import files and folders into the vault as one job.
// With --json it prints exactly one JSON document: { files: [{ path, status, items,
// reason? }], totals, refusals }. Exit 0 when every file was imported or deliberately
// refused with a reason; 70 when a file hit an internal error (a bug, logged).
import { KeepsakeError, exitCodeFor } from '../../../common/errors';
import { categoryLabels, type Category } from '../../../common/domain';
import { cliReport, launchImport } from '../../core/intake/import-job';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS } from './vault-common';

function counts(items: Partial<Record<Category, number>>): string {
  const parts = Object.entries(items).map(([c, n]) => `${n} ${categoryLabels[c as Category].toLowerCase()}`);
  return parts.length ? parts.join(', ') : 'no items';
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Import exports and backups (contacts, calendars, messages, email, notes, photos…).',
  usage: [
    'Usage: keepsake import <path…> [--json]',
    '',
    'Files are recognised by their content (then by name); folders are walked.',
    'Importing the same thing again adds nothing. Each refused file or part is',
    'reported with a plain reason. Exit status 0 unless an internal error occurred.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new KeepsakeError('BAD_INPUT', 'Give at least one file or folder to import.');
    await openVaultFor(ctx);
    const core = ctx.core();
    const { result } = launchImport(core, ctx.positionals);
    const outcome = await result;
    if (ctx.json) ctx.out(JSON.stringify(cliReport(outcome)));
    else {
      for (const f of outcome.files) {
        const what = f.status === 'refused' ? `refused: ${f.reason ?? ''}` : `${f.status} (${counts(f.items)}${f.added ? `; ${f.added} new` : ''})`;
        ctx.out(`${f.path}: ${what}`);
      }
      for (const r of outcome.refusals) ctx.err(`  refused in ${r.path} at ${r.position}: ${r.reason}`);
      ctx.out(`Total: ${counts(outcome.totals)}.`);
    }
    return outcome.internalErrors > 0 ? exitCodeFor.INTERNAL : 0;
  },
};
