// `keepsake recovery-key rotate|check`: make a new recovery key (the old one stops
// working at once) and optionally save its Emergency Kit, or check that a recovery key
// still opens this vault without changing anything.
import { resolve } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import { writeEmergencyKitPdf } from '../../core/vault/keys/emergency-kit';
import { unlockKeySlots } from '../../core/vault/keys/key-slots';
import { rotateRecoveryKey } from '../../core/vault/keys/slot-admin';
import { vaultLayout } from '../../core/vault/layout';
import { Vault } from '../../core/vault/vault';
import type { Command } from '../command';
import { CURRENT_PASSPHRASE, RECOVERY_KEY, SecretReader } from './key-input';
import { print } from './vault-common';

export const recoveryKeyCommand: Command = {
  name: 'recovery-key',
  usage: [
    'Usage: keepsake recovery-key rotate [--kit FILE.pdf] [--passphrase-file FILE]',
    '       keepsake recovery-key check [--recovery-key-file FILE]',
    '',
    'rotate  asks for the passphrase, makes a new recovery key and prints it once;',
    '        --kit also saves the new Emergency Kit as a PDF. The old key stops working.',
    'check   asks for a recovery key and says whether it opens this vault; nothing is changed.',
    '',
    'Secrets come from KEEPSAKE_PASSPHRASE / --passphrase-file, KEEPSAKE_RECOVERY_KEY /',
    '--recovery-key-file, the first line of stdin, or a hidden prompt on a terminal.',
  ].join('\n'),
  options: {
    kit: { type: 'string' },
    'passphrase-file': { type: 'string' },
    'recovery-key-file': { type: 'string' },
  },
  async run(ctx) {
    const [action] = ctx.positionals;
    const core = ctx.core();
    const secrets = new SecretReader(ctx);
    if (action === 'check') {
      const opened = await unlockKeySlots(vaultLayout(core.dataFolder), { recoveryKey: await secrets.read(RECOVERY_KEY) });
      opened.masterKey.fill(0);
      print(ctx, { vaultId: opened.vaultId }, 'This recovery key opens the vault. Keep the kit somewhere safe.');
      return 0;
    }
    if (action !== 'rotate') throw new KeepsakeError('BAD_INPUT', 'Say what to do: "keepsake recovery-key rotate" or "keepsake recovery-key check".');
    core.vault ??= await Vault.open(core.dataFolder, { passphrase: await secrets.read(CURRENT_PASSPHRASE) });
    const { recoveryKey } = await rotateRecoveryKey(core.vault.layout, core.vault.masterKey);
    core.log.info('security.recoveryKey.rotated', { via: 'cli' });
    const vaultId = core.vault.id;
    const kit = typeof ctx.values.kit === 'string' ? resolve(ctx.values.kit) : null;
    if (kit) await writeEmergencyKitPdf(kit, { recoveryKey, vaultId });
    const text = [
      'Your new recovery key (shown only now; the old one no longer works):',
      '',
      `    ${recoveryKey}`,
      '',
      kit ? `The Emergency Kit is saved at ${kit}. Print it and keep it somewhere safe.` : 'Write it down, or run "keepsake kit FILE.pdf" to save an Emergency Kit.',
    ].join('\n');
    print(ctx, { recoveryKey, vaultId, kit }, text);
    return 0;
  },
};
