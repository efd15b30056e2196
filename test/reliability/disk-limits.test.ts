// RELIABILITY row 16 for the import and cloud-restore paths (the vault's own put path is in
// vault-disk-full.test.ts): a full disk (a 10 MiB tmpfs with someone else's 6 MiB file on
// it) and a file-size limit (`ulimit -f` in a child shell → EFBIG). Each ends in a clear,
// plain IO error, leaves a vault (or an empty folder) that checks clean, and once there is
// room the same operation, run again, finishes with every item exactly once.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../common/errors';
import { restoreVault } from '../../main/core/cloud/mirror/restore';
import { syncToTarget } from '../../main/core/cloud/mirror/sync';
import { CloudStore } from '../../main/core/cloud/mirror/cloud-store';
import { mirrorSourceOf } from '../../main/core/cloud/mirror/source';
import { FolderTarget } from '../../main/core/cloud/folder-target';
import { Core } from '../../main/core/core';
import { runImport } from '../../main/core/intake/import-job';
import { silentLog } from '../../main/core/log';
import { Vault } from '../../main/core/vault/vault';
import { tempDir } from '../unit/vault/helpers';
import { CRASH_PASS, crashItem } from './vault-crash-fixture';

const PHOTOS = '/work/shared/fixtures/photos';
const quiet = { report() {}, async checkpoint() {} };
let t: ReturnType<typeof tempDir>;
let small = '';
let mounted = false;
let mountError = '';
let firstRestoreError: unknown = null;
beforeAll(() => {
  t = tempDir('ks-limits-');
  small = join(t.dir, 'small');
  mkdirSync(small);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=10m', 'tmpfs', small], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    mountError = String((e as { stderr?: Buffer }).stderr ?? e).trim();
  }
});
afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', small]);
  t.cleanup();
});

function expectPlainIo(e: unknown): void {
  expect(isKeepsakeError(e), String(e)).toBe(true);
  expect((e as { code: string }).code).toBe('IO');
  expect((e as Error).message).toMatch(/full|space|disk/i);
}

describe('disk full and file too large on the import and cloud-restore paths', () => {
  it('import onto a full disk: a plain IO error, a clean vault, and the rerun imports every photo exactly once', async (ctx) => {
    if (!mounted) return ctx.skip(`mounting a tmpfs was refused here (${mountError}); the disk-full case needs it`);
    const home = join(small, 'import-home');
    const filler = join(small, 'someone-elses-file');
    writeFileSync(filler, Buffer.alloc(6 * 1024 * 1024, 1));
    const { vault } = await Vault.create(home, CRASH_PASS, { fastKdfForTests: true });
    const core = new Core({ dataFolder: home, hostKind: 'cli', log: silentLog });
    core.vault = vault;
    try {
      const err = await runImport(core, [PHOTOS], quiet).then(() => null, (e: unknown) => e);
      expectPlainIo(err);
      expect((await vault.check({ readData: true })).problems).toEqual([]);
      rmSync(filler); // the person frees space
      const second = await runImport(core, [PHOTOS], quiet);
      expect(second.internalErrors).toBe(0);
      const after = vault.stats().items;
      expect(after).toBeGreaterThan(0);
      await runImport(core, [PHOTOS], quiet); // a third run adds nothing
      expect(vault.stats().items).toBe(after);
      const titles = vault.listItems({ limit: 100 }).map((s) => s.title);
      expect(new Set(titles).size).toBe(titles.length); // every item exactly once
      expect((await vault.check({ readData: true })).problems).toEqual([]);
    } finally {
      await core.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('cloud restore onto a full disk: refused, nothing half-restored, and the rerun after freeing space restores every item', async (ctx) => {
    if (!mounted) return ctx.skip(`mounting a tmpfs was refused here (${mountError}); the disk-full case needs it`);
    const srcHome = join(t.dir, 'restore-src');
    const targetDir = join(t.dir, 'restore-target');
    mkdirSync(targetDir);
    const { vault, recoveryKey } = await Vault.create(srcHome, CRASH_PASS, { fastKdfForTests: true });
    const keys = Array.from({ length: 60 }, (_, i) => `restore-full-${i}`);
    try {
      await vault.putItems(keys.map(crashItem));
      const store = new CloudStore(vault.indexDb);
      const targetId = store.add({ kind: 'folder', path: targetDir }, {}).id;
      await syncToTarget(mirrorSourceOf(vault), { targetId, target: new FolderTarget(targetDir), store });
    } finally {
      vault.close();
    }
    const filler = join(small, 'someone-elses-file');
    writeFileSync(filler, Buffer.alloc(7 * 1024 * 1024, 1));
    const fresh = join(small, 'restored');
    try {
      const err = await restoreVault(fresh, new FolderTarget(targetDir), recoveryKey, { fastKdfForTests: true }).then(() => null, (e: unknown) => e);
      expect(isKeepsakeError(err), String(err)).toBe(true);
      expect(existsSync(join(fresh, 'index.db')) || existsSync(join(fresh, 'keyslots.json'))).toBe(false); // nothing half-restored left to open
      firstRestoreError = err;
      rmSync(filler);
      const report = await restoreVault(fresh, new FolderTarget(targetDir), recoveryKey, { fastKdfForTests: true });
      expect(report.check?.ok).toBe(true);
      const restored = await Vault.open(fresh, { recoveryKey }, { fastKdfForTests: true });
      try {
        expect(restored.listItems({ limit: 100 }).map((s) => s.title).sort()).toEqual([...keys].sort());
      } finally {
        restored.close();
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
      rmSync(filler, { force: true });
    }
  });

  // A full local disk while downloading must be reported as the disk (IO), so the person
  // frees space instead of retrying the download forever.
  it('cloud restore onto a full disk names the disk (IO), not the network', (ctx) => {
    if (!mounted) return ctx.skip(`mounting a tmpfs was refused here (${mountError})`);
    expectPlainIo(firstRestoreError);
  });

  it('EFBIG (ulimit -f) during `keepsake import`: non-zero exit with a plain message; without the limit the rerun imports it', () => {
    const home = join(t.dir, 'efbig-import-home');
    const env = { ...process.env, KEEPSAKE_HOME: home, KEEPSAKE_PASSPHRASE: CRASH_PASS };
    expect(spawnSync(process.execPath, ['bin/keepsake.mjs', 'init'], { env, encoding: 'utf8' }).status).toBe(0);
    const big = join(t.dir, 'big-video.mp4');
    writeFileSync(big, Buffer.concat([Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]), Buffer.alloc(3 * 1024 * 1024, 7)]));
    const limited = spawnSync('bash', ['-c', `ulimit -f 1024; exec "${process.execPath}" bin/keepsake.mjs import "${big}"`], { env, encoding: 'utf8' });
    expect(limited.status).not.toBe(0);
    expect(`${limited.stdout}${limited.stderr}`).toMatch(/larger than this system allows|too large|file size/i);
    expect(`${limited.stdout}${limited.stderr}`).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a person
    const again = spawnSync(process.execPath, ['bin/keepsake.mjs', 'import', big], { env, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
  });
});
