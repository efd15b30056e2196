// `keepsake stats [--json]`: what the vault holds.
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';
import { humanBytes } from '../../../common/format';

export const statsCommand: Command = {
  name: 'stats',
  usage: ['Usage: keepsake stats [--json]', '', PASSPHRASE_HELP].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    const s = (await openVaultFor(ctx)).stats();
    const cats = Object.entries(s.byCategory).map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
    print(
      ctx,
      { stats: s },
      [
        `Items: ${s.items} (${cats})`,
        `Files: ${s.files}, ${humanBytes(s.logicalBytes)}`,
        `Stored: ${humanBytes(s.storedBytes)} in ${s.packs} packs, ${s.chunks} chunks`,
        `Snapshots: ${s.snapshots}${s.lastSnapshotAt ? `, last ${new Date(s.lastSnapshotAt).toISOString()}` : ''}`,
      ].join('\n'),
    );
    return 0;
  },
};
