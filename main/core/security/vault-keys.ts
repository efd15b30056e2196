// How the security services reach the open vault's key material (the Vault exposes
// `layout` and `masterKey` while unlocked). The one place that reads them, so the rest of
// security/ depends on nothing else of the Vault class. The key stays owned by the Vault
// (it wipes it on close): callers must never zero it.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import type { VaultLayout } from '../vault/layout';

export interface OpenVaultKeys {
  layout: VaultLayout;
  masterKey: Buffer;
}

/** The open vault's layout and master key; VAULT_LOCKED while locked. */
export function openVaultKeys(core: Core): OpenVaultKeys {
  const vault = core.vault;
  if (!vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  return { layout: vault.layout, masterKey: vault.masterKey };
}
