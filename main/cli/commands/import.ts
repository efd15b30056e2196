// `keepsake import <path…> [--json]`: import files and folders into the vault as one job.
// With --json it prints exactly one JSON document: { files: [{ path, status, items,
// reason? }], totals, refusals }. Exit 0 when every file was imported or deliberately
// refused with a reason; 70 when a file hit an internal error (a bug, logged).
// Encrypted Android backups: the password comes from --backup-password-file or
// KEEPSAKE_AB_PASSWORD; without them, on a terminal, Keepsake asks (hidden) when a backup
// turns out to need one and reads those files again.
import { KeepsakeError, exitCodeFor } from '../../../common/errors';
import { categoryLabels, type Category } from '../../../common/domain';
import type { ImportFileReport } from '../../../common/contract/intake';
import { cliReport, launchImport, type ImportOutcome } from '../../core/intake/import-job';
import type { Command, CommandContext } from '../command';
import { SecretReader, type SecretSpec } from './key-input';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS } from './vault-common';

function counts(items: Partial<Record<Category, number>>): string {
  const parts = Object.entries(items).map(([c, n]) => `${n} ${categoryLabels[c as Category].toLowerCase()}`);
  return parts.length ? parts.join(', ') : 'no items';
}

const BACKUP_PASSWORD: SecretSpec = { env: 'KEEPSAKE_AB_PASSWORD', fileOption: 'backup-password-file', prompt: 'Android backup password: ' };
const PROMPT_TRIES = 3;

/** A password given up front (file option or environment), never a prompt. */
async function givenPassword(ctx: CommandContext): Promise<string | undefined> {
  if (typeof ctx.values['backup-password-file'] === 'string' || ctx.env.KEEPSAKE_AB_PASSWORD) return new SecretReader(ctx).read(BACKUP_PASSWORD);
  return undefined;
}

const locked = (o: ImportOutcome): ImportFileReport[] => o.files.filter((f) => f.needsPassword);

/** Replaces the reports of the files read again, and recomputes the totals. */
function merge(first: ImportOutcome, again: ImportOutcome): ImportOutcome {
  const redone = new Map(again.files.map((f) => [f.path, f]));
  const files = first.files.map((f) => redone.get(f.path) ?? f);
  const totals: ImportOutcome['totals'] = {};
  for (const f of files) for (const [c, n] of Object.entries(f.items) as Array<[Category, number]>) totals[c] = (totals[c] ?? 0) + n;
  const refusals = [...first.refusals.filter((r) => !redone.has(r.path)), ...again.refusals];
  return { ...first, files, totals, refusals, internalErrors: first.internalErrors + again.internalErrors };
}

export const importCommand: Command = {
  name: 'import',
  usage: [
    'Usage: keepsake import <path…> [--json]',
    '',
    'Files are recognised by their content (then by name); folders are walked.',
    'Importing the same thing again adds nothing. Each refused file or part is',
    'reported with a plain reason. Exit status 0 unless an internal error occurred.',
    'An encrypted Android backup (.ab, MIUI .bak) needs the password typed on the',
    'phone: from --backup-password-file (first line) or KEEPSAKE_AB_PASSWORD, or',
    'asked for (hidden) on a terminal when such a backup is found.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: { ...PASSPHRASE_OPTIONS, 'backup-password-file': { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new KeepsakeError('BAD_INPUT', 'Give at least one file or folder to import.');
    await openVaultFor(ctx);
    const core = ctx.core();
    const given = await givenPassword(ctx);
    let outcome = await launchImport(core, ctx.positionals, given !== undefined ? { password: given } : {}).result;
    if (given === undefined && (ctx.stdin as NodeJS.ReadStream).isTTY) {
      // Ask only now that a backup is known to need it; a wrong one is asked again.
      for (let i = 0; i < PROMPT_TRIES && locked(outcome).length; i++) {
        ctx.err(`${locked(outcome).map((f) => f.path).join(', ')}: ${locked(outcome)[0]!.reason ?? 'needs a password'}`);
        const password = await new SecretReader(ctx).read(BACKUP_PASSWORD);
        const again = await launchImport(core, locked(outcome).map((f) => f.path), { password }).result;
        outcome = merge(outcome, again);
      }
    } else if (given === undefined && locked(outcome).length) {
      ctx.err('An encrypted Android backup was not read: give its password in KEEPSAKE_AB_PASSWORD or with --backup-password-file, or run the import on a terminal to be asked.');
    }
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
