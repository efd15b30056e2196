// `keepsake backup <folder>`: back up a folder into the vault as a new snapshot.
import { KeepsakeError } from '../../../common/errors';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';
import { humanBytes } from '../../../common/format';

export const backupCommand: Command = {
  name: 'backup',
  usage: ['Usage: keepsake backup <folder> [--json]', '', 'Unchanged files are skipped; changed files store only their changed chunks.', PASSPHRASE_HELP].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    const [folder, extra] = ctx.positionals;
    if (!folder || extra) throw new KeepsakeError('BAD_INPUT', 'Give exactly one folder to back up.');
    const vault = await openVaultFor(ctx);
    const r = await vault.backupFolder(folder);
    print(
      ctx,
      { report: r },
      `Snapshot ${r.snapshotId}: ${r.files} files (${humanBytes(r.bytesTotal)}); ${r.added} added, ${r.updated} changed, ${r.unchanged} unchanged, ${r.duplicate} duplicate, ${r.tombstoned} erased before and not brought back, ${r.skipped} skipped (not regular files).`,
    );
    return 0;
  },
};
