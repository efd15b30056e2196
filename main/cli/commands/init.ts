// `keepsake init`: create the vault in KEEPSAKE_HOME and print the recovery key once.
import { Vault } from '../../core/vault/vault';
import type { Command } from '../command';
import { PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print, readPassphrase } from './vault-common';

export const initCommand: Command = {
  name: 'init',
  usage: ['Usage: keepsake init [--passphrase-file FILE] [--json]', '', 'Creates the vault and prints its recovery key — once. Keep it somewhere safe.', PASSPHRASE_HELP].join('\n'),
  options: PASSPHRASE_OPTIONS,
  async run(ctx) {
    const core = ctx.core();
    const passphrase = await readPassphrase(ctx);
    const { vault, recoveryKey } = await Vault.create(core.dataFolder, passphrase);
    core.vault = vault;
    print(
      ctx,
      { vaultId: vault.id, dataFolder: core.dataFolder, recoveryKey },
      [`Created a vault in ${core.dataFolder}.`, '', 'Recovery key (shown only now; write it down or print the Emergency Kit):', '', `  ${recoveryKey}`, ''].join('\n'),
    );
    return 0;
  },
};
