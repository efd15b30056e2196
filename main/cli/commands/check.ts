// `keepsake check [--read-data] [--subset n/N]`: verify the vault; exit 0 only when clean.
import { exitCodeFor } from '../../../common/errors';
import { describeCheck } from '../../core/vault/check-summary';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS } from './vault-common';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check the vault (--read-data: decrypt and verify every chunk).',
  usage: [
    'Usage: keepsake check [--read-data] [--subset n/N] [--json]',
    '',
    'Without --read-data: the index integrity and that every pack is present.',
    'With --read-data: also reads every pack from disk and verifies each chunk.',
    '--subset n/N checks only the n-th of N slices of the packs.',
    'Exit status 0 only if no problem was found; 7 when damage was found.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: { ...PASSPHRASE_OPTIONS, 'read-data': { type: 'boolean' }, subset: { type: 'string' } },
  async run(ctx) {
    const vault = await openVaultFor(ctx);
    const subset = typeof ctx.values.subset === 'string' ? ctx.values.subset : undefined;
    const report = await vault.check({ readData: ctx.values['read-data'] === true, ...(subset ? { subset } : {}) });
    if (ctx.json) ctx.out(JSON.stringify({ ok: report.ok, report }));
    else (report.ok ? ctx.out : ctx.err)(describeCheck(report));
    return report.ok ? 0 : exitCodeFor.CORRUPT;
  },
};
