// `keepsake unlock`: check that the passphrase opens the vault (for scripts); exit 0 if so.
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';

export const unlockCommand: Command = {
  name: 'unlock',
  usage: ['Usage: keepsake unlock [--passphrase-file FILE] [--json]', '', 'Exit status 4 means the passphrase is wrong, 7 that the key file is damaged.', PASSPHRASE_HELP].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    const vault = await openVaultFor(ctx);
    print(ctx, { vaultId: vault.id, state: 'unlocked' }, 'The passphrase opens the vault.');
    return 0;
  },
};
