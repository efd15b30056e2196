// Where a vault's files live inside the data folder. Everything under vault/ is either
// encrypted (index.db, packs) or a wrapped key (keyslots.json); nothing is plaintext.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VaultState } from '../../../common/domain';

export interface VaultLayout {
  root: string;
  keySlots: string;
  index: string;
  packs: string;
  tmp: string;
  lock: string;
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
  };
}

/** 'missing' until a vault has been created here; 'locked' otherwise (core knows if it is open). */
export function vaultState(dataFolder: string): Exclude<VaultState, 'unlocked'> {
  return existsSync(vaultLayout(dataFolder).keySlots) ? 'locked' : 'missing';
}
