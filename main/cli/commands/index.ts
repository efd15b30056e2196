// Every `keepsake` command, in the order `keepsake --help` lists them.
import type { Command } from '../command';
import { backupCommand } from './backup';
import { checkCommand } from './check';
import { consentCommand } from './consent';
import { devicesCommand } from './devices';
import { eraseCommand } from './erase';
import { importCommand } from './import';
import { initCommand } from './init';
import { kitCommand } from './kit';
import { passphraseCommand } from './passphrase';
import { receiptsCommand } from './receipts';
import { recoveryKeyCommand } from './recovery-key';
import { restoreCommand } from './restore';
import { restoreDeviceCommand } from './restore-device';
import { restoreVaultCommand } from './restore-vault';
import { searchCommand } from './search';
import { serveCommand } from './serve';
import { statsCommand } from './stats';
import { syncCommand } from './sync';
import { targetCommand } from './target';
import { unlockCommand } from './unlock';
import { watchCommand } from './watch';

export const commands: Command[] = [initCommand, unlockCommand, importCommand, watchCommand, backupCommand, restoreCommand, checkCommand, statsCommand, searchCommand, targetCommand, syncCommand, restoreVaultCommand, restoreDeviceCommand, eraseCommand, receiptsCommand, consentCommand, devicesCommand, passphraseCommand, recoveryKeyCommand, kitCommand, serveCommand];
