// vault.* handlers: create, unlock and lock the vault that core holds, its statistics and
// the check job. Creating or unlocking sets core.vault; locking stops jobs and closes it.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { describeCheck } from '../vault/check-summary';
import { Vault } from '../vault/vault';
import type { DomainHandlers } from './types';
import { announceLibraryChanges } from '../library-events';

function changed(core: Core): void {
  core.events.emit('vault.changed', { state: core.vault ? 'unlocked' : Vault.exists(core.dataFolder) ? 'locked' : 'missing' });
}

export const vaultHandlers: DomainHandlers<'vault'> = {
  'vault.create': async ({ passphrase }, core) => {
    if (core.vault || Vault.exists(core.dataFolder)) throw new KeepsakeError('CONFLICT', 'A vault already exists in this data folder.');
    const { vault, recoveryKey } = await Vault.create(core.dataFolder, passphrase);
    core.vault = vault;
    announceLibraryChanges(core, vault);
    core.log.info('vault.created', {});
    changed(core);
    return { recoveryKey };
  },
  'vault.unlock': async (input, core) => {
    if (core.vault) return { state: 'unlocked' };
    core.vault = await Vault.open(core.dataFolder, input);
    announceLibraryChanges(core, core.vault);
    core.log.info('vault.unlocked', { with: 'passphrase' in input ? 'passphrase' : 'recovery key' });
    changed(core);
    return { state: 'unlocked' };
  },
  'vault.lock': async (_input, core) => {
    if (core.vault) {
      await core.jobs.stopAll();
      const vault = core.vault;
      core.vault = null;
      vault.close();
      changed(core);
    }
    return { state: Vault.exists(core.dataFolder) ? 'locked' : 'missing' };
  },
  'vault.stats': async (_input, core) => requireVault(core).stats(),
  'vault.check': async ({ readData, subset }, core) => {
    const vault = requireVault(core);
    const { info, result } = core.jobs.start({
      kind: 'vault.check',
      title: readData ? 'Check the vault and read every chunk' : 'Check the vault',
      run: async (control) => {
        const report = await vault.check({ readData: readData ?? false, ...(subset ? { subset } : {}), control });
        if (!report.ok) throw new KeepsakeError('CORRUPT', describeCheck(report), { problems: report.problems.length });
        return report;
      },
      summarize: (r) => describeCheck(r),
    });
    result.catch(() => undefined); // the outcome is in the job history
    return info;
  },
};

function requireVault(core: Core): Vault {
  if (!core.vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  return core.vault;
}
