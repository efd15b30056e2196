// `keepsake passphrase`: change the vault's passphrase. Typing the current passphrase is
// the identity check; the vault is opened (taking its process lock, so no other Keepsake
// changes keys at the same time), only the master key is re-wrapped (no data is
// re-encrypted) and the old passphrase stops working at once.
import { KeepsakeError } from '../../../common/errors';
import { changePassphrase } from '../../core/vault/keys/slot-admin';
import { Vault } from '../../core/vault/vault';
import type { Command } from '../command';
import { CURRENT_PASSPHRASE, SecretReader } from './key-input';
import { print } from './vault-common';

const NEW_PASSPHRASE = { env: 'KEEPSAKE_NEW_PASSPHRASE', fileOption: 'new-passphrase-file', prompt: 'New passphrase: ' };

export const passphraseCommand: Command = {
  name: 'passphrase',
  usage: [
    'Usage: keepsake passphrase [--passphrase-file FILE] [--new-passphrase-file FILE]',
    '',
    'Asks for the current passphrase, then the new one twice (hidden) on a terminal.',
    'Unattended: KEEPSAKE_PASSPHRASE and KEEPSAKE_NEW_PASSPHRASE, or the two file options',
    '(first line of each), or both on stdin: current on the first line, new on the second.',
  ].join('\n'),
  options: {
    'passphrase-file': { type: 'string' },
    'new-passphrase-file': { type: 'string' },
  },
  async run(ctx) {
    const core = ctx.core();
    const secrets = new SecretReader(ctx);
    const current = await secrets.read(CURRENT_PASSPHRASE);
    core.vault ??= await Vault.open(core.dataFolder, { passphrase: current });
    const next = await secrets.read(NEW_PASSPHRASE);
    const interactive = (ctx.stdin as NodeJS.ReadStream).isTTY && typeof ctx.values[NEW_PASSPHRASE.fileOption] !== 'string' && !ctx.env[NEW_PASSPHRASE.env];
    if (interactive && (await secrets.read({ ...NEW_PASSPHRASE, prompt: 'New passphrase again: ' })) !== next) {
      throw new KeepsakeError('BAD_INPUT', 'The two new passphrases are different. Nothing was changed.');
    }
    if (next === current) throw new KeepsakeError('BAD_INPUT', 'The new passphrase is the same as the current one. Nothing was changed.');
    await changePassphrase(core.vault.layout, core.vault.masterKey, next);
    core.log.info('security.passphrase.changed', { via: 'cli' });
    print(ctx, {}, 'The passphrase is changed. The old one no longer opens the vault.');
    return 0;
  },
};
