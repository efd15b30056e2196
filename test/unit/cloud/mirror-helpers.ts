// Helpers for mirror tests: a real vault in a temp data folder holding a copy of the
// phone-like fixtures, a cloud store in its index, and a tree comparison.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CloudStore } from '../../../main/core/cloud/mirror/cloud-store';
import { mirrorSourceOf } from '../../../main/core/cloud/mirror/source';
import type { MirrorSource } from '../../../main/core/cloud/mirror/sync';
import type { RetryPolicy } from '../../../main/core/cloud/retry';
import { Vault } from '../../../main/core/vault/vault';

export const FIXTURES = '/work/shared/fixtures';
/** Phone-like folders small enough for a unit test (a few MB in all). */
export const FIXTURE_DIRS = ['contacts', 'calendar', 'messages', 'notes'];

export const fastRetry: RetryPolicy = { attempts: 8, baseMs: 1, maxMs: 20, maxRetryAfterMs: 5_000, random: Math.random, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))) };

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `keepsake-${tag}-`));
}

export interface TestVault {
  dataFolder: string;
  vault: Vault;
  recoveryKey: string;
  source: MirrorSource;
  store: CloudStore;
  close(): void;
}

export async function makeVault(dirs: string[] = FIXTURE_DIRS): Promise<TestVault> {
  const dataFolder = tempDir('vault');
  const { vault, recoveryKey } = await Vault.create(dataFolder, 'correct horse battery staple', { fastKdfForTests: true });
  for (const d of dirs) await vault.backupFolder(join(FIXTURES, d));
  const store = new CloudStore(vault.indexDb);
  return {
    dataFolder,
    vault,
    recoveryKey,
    source: mirrorSourceOf(vault),
    store,
    close: () => {
      vault.close();
      rmSync(dataFolder, { recursive: true, force: true });
    },
  };
}

/** relative path → SHA-256 of every file under `root`. */
export function treeHashes(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return out;
}
