// A MirrorSource without a whole vault: a real encrypted index (the vault's opener) and
// N pack files of random bytes in the vault's pack layout, for fault and GC tests where
// only the transport is under test. Restores use a real vault (mirror-helpers.ts).
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudStore } from '../../../main/core/cloud/mirror/cloud-store';
import type { MirrorSource } from '../../../main/core/cloud/mirror/sync';
import { openIndexDb } from '../../../main/core/vault/index-db';
import { tempDir } from './mirror-helpers';

export interface SyntheticVault {
  root: string;
  source: MirrorSource;
  store: CloudStore;
  targetId: string;
  packIds: string[];
  addPacks(n: number, size?: number): string[];
  close(): void;
}

export function syntheticVault(packs: number, packSize = 8 * 1024): SyntheticVault {
  const root = tempDir('synthetic');
  const vaultId = `vault-${randomBytes(6).toString('hex')}`;
  const packsDir = join(root, 'packs');
  const db = openIndexDb(join(root, 'index.db'), randomBytes(32));
  const keySlotsPath = join(root, 'keyslots.json');
  writeFileSync(keySlotsPath, JSON.stringify({ body: { vaultId, generation: 1 }, note: randomBytes(16).toString('hex') }));
  const store = new CloudStore(db);
  const targetId = store.add({ kind: 'folder', path: '/unused-in-test' }, {}).id;
  const packIds: string[] = [];
  const addPacks = (n: number, size = packSize): string[] => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomBytes(16).toString('hex');
      mkdirSync(join(packsDir, id.slice(0, 2)), { recursive: true });
      writeFileSync(join(packsDir, id.slice(0, 2), `${id}.pack`), randomBytes(size + (i % 7) * 100));
      ids.push(id);
    }
    packIds.push(...ids);
    return ids;
  };
  addPacks(packs);
  return {
    root,
    source: { vaultId, cloudKey: randomBytes(32), db, packsDir, keySlotsPath },
    store,
    targetId,
    packIds,
    addPacks,
    close: () => {
      db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
