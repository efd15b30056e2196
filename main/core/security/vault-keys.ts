// How the security services reach the open vault's key material. The vault engine's
// `Vault` exposes `layout` and `masterKey` while unlocked; this is the one place that reads
// them, so the rest of security/ does not depend on the Vault class's other details.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import type { VaultLayout } from '../vault/layout';

export interface OpenVaultKeys {
  layout: VaultLayout;
  masterKey: Buffer;
}

/** The open vault's layout and master key; VAULT_LOCKED while locked. */
export function openVaultKeys(core: Core): OpenVaultKeys {
  const vault = core.vault as unknown as Partial<OpenVaultKeys> | null;
  if (!vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  if (!vault.layout || !Buffer.isBuffer(vault.masterKey) || vault.masterKey.length !== 32) {
    throw new KeepsakeError('INTERNAL', 'The open vault does not expose its key material to the security service.');
  }
  return { layout: vault.layout, masterKey: vault.masterKey };
}
