// Where a vault's files live inside the data folder. Everything under vault/ is either
// encrypted (index.db, packs) or a wrapped key (keyslots.json); nothing is plaintext.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultState } from '../../../common/domain';

export interface VaultLayout {
  root: string;
  keySlots: string;
  index: string;
  /** Encrypted packs live in packs/<first two hex chars>/<pack id>.pack. */
  packs: string;
  /** Files being written (packs before rename); emptied on every open. */
  tmp: string;
  /** Holds the pid of the one process that has the vault open. */
  lock: string;
  /** Copies of what `repair` touches, taken before it changes anything. */
  repairBackups: string;
  /** The last snapshot counter, MAC'd, kept outside the index to notice an index rollback. */
  head: string;
}

export function vaultLayout(dataFolder: string): VaultLayout {
  const root = join(dataFolder, 'vault');
  return {
    root,
    keySlots: join(root, 'keyslots.json'),
    index: join(root, 'index.db'),
    packs: join(root, 'packs'),
    tmp: join(root, 'tmp'),
    lock: join(root, 'lock'),
    repairBackups: join(root, 'repair-backups'),
    head: join(root, 'head.json'),
  };
}

/** The path of one pack file; ids are lowercase hex. */
export function packPath(layout: VaultLayout, packId: string): string {
  return join(layout.packs, packId.slice(0, 2), `${packId}.pack`);
}

/** 'missing' until a vault has been created here; 'locked' otherwise (core knows if it is open). */
export function vaultState(dataFolder: string): Exclude<VaultState, 'unlocked'> {
  return existsSync(vaultLayout(dataFolder).keySlots) ? 'locked' : 'missing';
}
