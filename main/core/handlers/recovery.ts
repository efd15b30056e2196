// recovery.* handlers: sources, preview, start (a job, after a fresh identity check),
// report, list, and one-click withdrawal of a recovery's location consent.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { consentLedger, openVault } from '../privacy/ledgers';
import { previewRecovery } from '../recovery/preview';
import { startRecovery } from '../recovery/recovery-job';
import { recoverySources } from '../recovery/sources';
import { consentOf, listReports, loadReport } from '../recovery/store';
import type { DomainHandlers } from './types';

/** In turn with the vault's writes (Vault.afterWrites): waits for an import's batch without freezing the event loop. */
function withdraw(core: Core, id: string): Promise<{ withdrawn: boolean }> {
  return openVault(core).afterWrites(() => withdrawNow(core, id));
}

function withdrawNow(core: Core, id: string): { withdrawn: boolean } {
  const consentId = consentOf(openVault(core).indexDb, id);
  if (!consentId) return { withdrawn: false };
  try {
    consentLedger(core).withdraw(consentId);
    return { withdrawn: true };
  } catch (e) {
    if (e instanceof KeepsakeError && e.code === 'CONFLICT') return { withdrawn: false }; // already ended
    throw e;
  }
}

export const recoveryHandlers: DomainHandlers<'recovery'> = {
  'recovery.sources': async (_i, core) => recoverySources(openVault(core)),
  'recovery.preview': async (plan, core) => previewRecovery(openVault(core), plan),
  'recovery.start': async (plan, core) => startRecovery(core, plan).info,
  'recovery.report': async ({ id }, core) => loadReport(openVault(core).indexDb, id),
  'recovery.list': async (_i, core) => listReports(openVault(core).indexDb),
  'recovery.withdrawLocation': async ({ id }, core) => withdraw(core, id),
};
