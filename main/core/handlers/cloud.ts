// cloud.* handlers: thin calls into main/core/cloud/service.ts against the open vault.
// Secrets arrive with addTarget/checkTarget/restoreVault and are never returned or logged.
import { KeepsakeError } from '../../../common/errors';
import { addTarget, checkTarget, cloudStore, ensureScheduler, startRestoreJob, startSyncJob, toInfo } from '../cloud/service';
import { healthLine } from '../cloud/health-line';
import type { Core } from '../core';
import type { Vault } from '../vault/vault';
import type { DomainHandlers } from './types';

function requireVault(core: Core): Vault {
  if (!core.vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  ensureScheduler(core);
  return core.vault;
}

export const cloudHandlers: DomainHandlers<'cloud'> = {
  'cloud.targets': async (_input, core) => {
    const now = core.clock.now();
    return cloudStore(requireVault(core), () => now)
      .list()
      .map((r) => toInfo(r, now));
  },
  'cloud.addTarget': async ({ settings, secrets }, core) => addTarget(core, requireVault(core), settings, secrets),
  'cloud.checkTarget': async ({ settings, secrets }) => checkTarget(settings, secrets),
  'cloud.removeTarget': async ({ id }, core) => {
    const vault = requireVault(core);
    await vault.afterWrites(() => cloudStore(vault, () => core.clock.now()).remove(id)); // in turn with the vault's writes (storage worker)
    core.events.emit('cloud.changed', { id });
    return { removed: true as const };
  },
  'cloud.sync': async ({ id }, core) => {
    const { info, result } = startSyncJob(core, requireVault(core), id);
    result.catch(() => undefined); // the outcome is in the job history
    return info;
  },
  'cloud.setSchedule': async ({ id, everyMinutes }, core) => {
    const vault = requireVault(core);
    const store = cloudStore(vault, () => core.clock.now());
    await vault.afterWrites(() => store.setSchedule(id, everyMinutes));
    core.events.emit('cloud.changed', { id });
    return toInfo(store.get(id), core.clock.now());
  },
  'cloud.setBandwidth': async ({ id, bytesPerSecond }, core) => {
    const vault = requireVault(core);
    const store = cloudStore(vault, () => core.clock.now());
    await vault.afterWrites(() => store.setBandwidth(id, bytesPerSecond));
    core.events.emit('cloud.changed', { id });
    return toInfo(store.get(id), core.clock.now());
  },
  'cloud.health': async (_input, core) => {
    const now = core.clock.now();
    return cloudStore(requireVault(core), () => now)
      .list()
      .map((r) => ({ id: r.id, label: r.label, health: { ...r.health, line: healthLine(r.health, now) } }));
  },
  'cloud.restoreVault': async ({ settings, secrets, recoveryKey }, core) => {
    const { info, result } = startRestoreJob(core, settings, secrets, recoveryKey);
    result.catch(() => undefined);
    return info;
  },
};
