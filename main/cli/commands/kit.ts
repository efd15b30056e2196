// `keepsake kit <file>`: save the Emergency Kit (PDF, or HTML with --html) for a recovery
// key you have. The key is checked against this vault first, so a kit that would not open
// it is never printed. Keepsake never stores the recovery key, so it must be typed here.
import { resolve } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import { writeEmergencyKitHtml, writeEmergencyKitPdf } from '../../core/vault/keys/emergency-kit';
import { unlockKeySlots } from '../../core/vault/keys/key-slots';
import { canonicalRecoveryKey } from '../../core/vault/keys/recovery-key';
import { vaultLayout } from '../../core/vault/layout';
import type { Command } from '../command';
import { RECOVERY_KEY, SecretReader } from './key-input';
import { print } from './vault-common';

export const kitCommand: Command = {
  name: 'kit',
  usage: [
    'Usage: keepsake kit FILE.pdf [--html] [--recovery-key-file FILE]',
    '',
    'Asks for the recovery key (KEEPSAKE_RECOVERY_KEY, --recovery-key-file, stdin or a hidden',
    'prompt), checks it opens this vault, and saves the kit. --html saves a web page instead.',
    'Lost the key? Run "keepsake recovery-key rotate --kit FILE.pdf" for a new one.',
  ].join('\n'),
  options: {
    html: { type: 'boolean' },
    'recovery-key-file': { type: 'string' },
  },
  async run(ctx) {
    const [target] = ctx.positionals;
    if (!target) throw new KeepsakeError('BAD_INPUT', 'Say where to save the kit, for example: keepsake kit ~/Desktop/keepsake-kit.pdf');
    const path = resolve(target);
    const typed = await new SecretReader(ctx).read(RECOVERY_KEY);
    const opened = await unlockKeySlots(vaultLayout(ctx.core().dataFolder), { recoveryKey: typed });
    opened.masterKey.fill(0);
    const input = { recoveryKey: canonicalRecoveryKey(typed), vaultId: opened.vaultId };
    if (ctx.values.html === true) await writeEmergencyKitHtml(path, input);
    else await writeEmergencyKitPdf(path, input);
    print(ctx, { path }, `The Emergency Kit is saved at ${path}. Print it and keep it somewhere safe.`);
    return 0;
  },
};
