// The privacy ledgers of the open vault: its consent ledger and receipt book, keyed with
// the vault's ledger purpose key so nobody without the vault key can forge a record.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { purposeKey } from '../vault/keys/purpose-keys';
import type { Vault } from '../vault/vault';
import { ConsentLedger } from './consent-ledger';
import { ReceiptBook } from './receipts';

export function openVault(core: Core): Vault {
  if (!core.vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  return core.vault;
}

export function consentLedger(core: Core): ConsentLedger {
  const vault = openVault(core);
  return new ConsentLedger(vault.indexDb, purposeKey(vault.masterKey, 'ledger'), () => core.clock.now());
}

export function receiptBook(core: Core): ReceiptBook {
  const vault = openVault(core);
  return new ReceiptBook(vault.indexDb, purposeKey(vault.masterKey, 'ledger'), () => core.clock.now());
}
