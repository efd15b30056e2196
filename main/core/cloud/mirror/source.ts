// The mirror's view of an open vault: its id, the cloud purpose key, the index connection
// and where its packs and key slots are. Kept apart so the mirror depends on these few
// facts, not on the Vault class's internals.
import { purposeKey } from '../../vault/keys/purpose-keys';
import type { Vault } from '../../vault/vault';
import type { MirrorSource } from './sync';

export function mirrorSourceOf(vault: Vault): MirrorSource {
  return { vaultId: vault.id, cloudKey: purposeKey(vault.masterKey, 'cloud'), db: vault.indexDb, packsDir: vault.layout.packs, keySlotsPath: vault.layout.keySlots, afterWrites: (fn) => vault.afterWrites(fn) };
}

/** The source's write queue, or a direct write (still as a promise) where it has none. */
export function writerOf(queue: MirrorSource['afterWrites']): <T>(fn: () => T) => Promise<T> {
  return queue ?? (async (fn) => fn());
}
