// Shared by the recovery tests: a Core with a real encrypted vault in a temp folder,
// fixtures imported through the real import job, a control that records progress and can
// act at a checkpoint, and file-tree hashing to compare bundles.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Core } from '../../../main/core/core';
import { runImport } from '../../../main/core/intake/import-job';
import { silentLog } from '../../../main/core/log';
import type { Clock } from '../../../main/core/ports';
import type { RecoveryControl } from '../../../main/core/recovery/recovery-job';
import { Vault } from '../../../main/core/vault/vault';

export const FIXTURES = process.env.FIXTURES ?? '/work/shared/fixtures';
export const PASS = 'correct horse battery staple';

export class TestClock implements Clock {
  t = Date.UTC(2026, 0, 15, 12);
  now(): number {
    return this.t;
  }
}

export async function newCore(dir: string, clock: Clock = new TestClock()): Promise<Core> {
  const core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog, clock });
  core.vault = (await Vault.create(core.dataFolder, PASS, { fastKdfForTests: true })).vault;
  return core;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `keepsake-${prefix}-`));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const quiet = { report() {}, async checkpoint() {} };

export async function importPaths(core: Core, paths: string[]): Promise<void> {
  const r = await runImport(core, paths, quiet);
  if (r.state !== 'finished') throw new Error(`import ${r.state}`);
}

/** A control that runs `at(n)` at the n-th checkpoint (e.g. withdraw consent mid-recovery). */
export function controlAt(n: number, at: () => void): RecoveryControl {
  let count = 0;
  return {
    report() {},
    async checkpoint() {
      count++;
      if (count === n) at();
    },
  };
}

/** Every file under a folder (relative path → sha256), hidden temporaries included. */
export function treeHashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}
