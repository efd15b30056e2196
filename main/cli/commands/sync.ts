// `keepsake sync [--target ID] [--json]`: mirror the vault to its cloud targets now and
// wait for the job. Exit 0 only when every target holds a complete, verified copy;
// otherwise the error names the target and what is missing (exit 10, NETWORK).
import { KeepsakeError } from '../../../common/errors';
import { startSyncJob, summarize } from '../../core/cloud/service';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';

export const syncCommand: Command = {
  name: 'sync',
  usage: ['Usage: keepsake sync [--target ID] [--json]', '', 'Uploads new packs, the changed parts of the index and a new manifest,', 'verifies each object, then removes what no copy needs any more.', PASSPHRASE_HELP].join('\n'),
  options: { ...PASSPHRASE_OPTIONS, target: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new KeepsakeError('BAD_INPUT', 'keepsake sync takes no arguments (use --target ID for one target).');
    const vault = await openVaultFor(ctx);
    const core = ctx.core();
    const target = typeof ctx.values.target === 'string' ? ctx.values.target : undefined;
    const { info, result } = startSyncJob(core, vault, target);
    const outcome = await result;
    print(ctx, { job: info.id, targets: outcome.targets }, summarize(outcome));
    return 0;
  },
};
