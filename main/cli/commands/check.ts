// `keepsake check [--read-data] [--subset n/N] [--repair]`: verify the vault; exit 0 only when clean.
import { exitCodeFor } from '../../../common/errors';
import { describeCheck } from '../../core/vault/check-summary';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS } from './vault-common';

export const checkCommand: Command = {
  name: 'check',
  usage: [
    'Usage: keepsake check [--read-data] [--subset n/N] [--repair] [--json]',
    '',
    'Without --read-data: the index integrity and that every pack is present.',
    'With --read-data: also reads every pack from disk and verifies each chunk.',
    '--subset n/N checks only the n-th of N slices of the packs.',
    '--repair: after a full read, copies the index and the damaged packs to',
    '  vault/repair-backups/, then removes the items whose data is lost (not erased:',
    '  the next backup from their source brings them back).',
    'Exit status 0 only if no problem was found (or repair fixed it); 7 when damage remains.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: { ...PASSPHRASE_OPTIONS, 'read-data': { type: 'boolean' }, subset: { type: 'string' }, repair: { type: 'boolean' } },
  async run(ctx) {
    const vault = await openVaultFor(ctx);
    if (ctx.values.repair === true) {
      const r = await vault.repair();
      const ok = r.after ? r.after.ok : r.before.ok;
      if (ctx.json) ctx.out(JSON.stringify({ ok, repair: { backupDir: r.backupDir, removedItems: r.removedItems, before: r.before, after: r.after } }));
      else {
        ctx.out(describeCheck(r.before));
        if (r.backupDir) ctx.out(`Copied the index and damaged packs to ${r.backupDir} first.`);
        if (r.removedItems.length) ctx.out(`Removed ${r.removedItems.length} damaged item(s): ${r.removedItems.map((i) => `"${i.title || i.id}"`).join(', ')}. Back up their source again to restore them.`);
        if (r.after) (r.after.ok ? ctx.out : ctx.err)(describeCheck(r.after));
      }
      return ok ? 0 : exitCodeFor.CORRUPT;
    }
    const subset = typeof ctx.values.subset === 'string' ? ctx.values.subset : undefined;
    const report = await vault.check({ readData: ctx.values['read-data'] === true, ...(subset ? { subset } : {}) });
    if (ctx.json) ctx.out(JSON.stringify({ ok: report.ok, report }));
    else (report.ok ? ctx.out : ctx.err)(describeCheck(report));
    return report.ok ? 0 : exitCodeFor.CORRUPT;
  },
};
