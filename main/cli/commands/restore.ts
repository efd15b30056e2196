// `keepsake restore <snapshot|latest> <dir>`: write a snapshot's files into a folder.
import { KeepsakeError } from '../../../common/errors';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';
import { humanBytes } from '../../../common/format';

export const restoreCommand: Command = {
  name: 'restore',
  usage: ['Usage: keepsake restore <snapshot|latest> <dir> [--json]', '', 'Each file is written under a temporary name and renamed when complete.', PASSPHRASE_HELP].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    const [which, dir, extra] = ctx.positionals;
    if (!which || !dir || extra) throw new KeepsakeError('BAD_INPUT', 'Give a snapshot id (or "latest") and a target folder.');
    const id = which === 'latest' ? 'latest' : /^\d{1,12}$/.test(which) ? Number(which) : null;
    if (id === null) throw new KeepsakeError('BAD_INPUT', 'The snapshot must be a number or "latest".');
    const vault = await openVaultFor(ctx);
    const r = await vault.restoreSnapshot(id, dir);
    print(ctx, { restored: r }, `Restored ${r.files} files (${humanBytes(r.bytes)}) into ${dir}.`);
    return 0;
  },
};
