// One DevicesService per unlocked vault, reached from handlers with devicesFor(core).
// Keyed by the Vault object: locking the vault (core.vault becomes null or another
// vault) stops that vault's gateway, because its index connection is about to close.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import type { Vault } from '../vault/vault';
import { consentLedger } from '../privacy/ledgers';
import type { ConsentGate } from './consent';
import { LedgerConsentGate } from './ledger-consent-gate';
import { DevicesService } from './service';
import { VaultIngestSink } from './vault-sink';

const services = new WeakMap<Vault, DevicesService>();
const watched = new WeakSet<Core>();
const consentGates = new WeakMap<Core, ConsentGate>();

/** Replaces the consent gate (tests, or a host with another ledger); the default is the vault's consent ledger. */
export function setConsentGate(core: Core, gate: ConsentGate): void {
  consentGates.set(core, gate);
}

export function devicesFor(core: Core): DevicesService {
  const vault = core.vault;
  if (!vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  let svc = services.get(vault);
  if (!svc) {
    const gate = consentGates.get(core) ?? new LedgerConsentGate(() => consentLedger(core));
    svc = new DevicesService({
      db: vault.indexDb,
      masterKey: vault.masterKey,
      stagingDir: join(core.dataFolder, 'devices', 'staging'),
      sink: new VaultIngestSink(vault, core.log),
      consent: gate,
      log: core.log,
      now: () => core.clock.now(),
      desktopName: `Keepsake on ${hostname()}`.slice(0, 64),
    });
    services.set(vault, svc);
    watch(core);
  }
  return svc;
}

/** The service of the open vault, if one was made (for status without side effects). */
export function existingDevices(core: Core): DevicesService | null {
  return core.vault ? (services.get(core.vault) ?? null) : null;
}

function watch(core: Core): void {
  if (watched.has(core)) return;
  watched.add(core);
  let current = core.vault;
  core.events.subscribe((e) => {
    if (e.name !== 'vault.changed') return;
    if (current && core.vault !== current) {
      const svc = services.get(current);
      services.delete(current);
      if (svc) void svc.close();
    }
    current = core.vault;
  });
}

/** For hosts shutting down: stops the open vault's gateway (call before core.close()). */
export async function closeDevices(core: Core): Promise<void> {
  const svc = existingDevices(core);
  if (svc) await svc.close();
}
