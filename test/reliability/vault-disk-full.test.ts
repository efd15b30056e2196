// RELIABILITY: a full disk (a 4 MiB tmpfs) and a file-size limit (ulimit -f → EFBIG) give
// a clear IO error, lose nothing already acknowledged, and leave a vault that opens,
// checks clean and accepts more data once there is room.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../main/core/vault/vault';
import { readAll, tempDir } from '../unit/vault/helpers';
import { contentFor, CRASH_CHUNKS, CRASH_PASS, crashItem } from './vault-crash-fixture';

let t: ReturnType<typeof tempDir>;
let mounted = false;
let mountError = '';
beforeAll(() => {
  t = tempDir('ks-full-');
  mkdirSync(join(t.dir, 'small'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', join(t.dir, 'small')], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    mountError = String((e as { stderr?: Buffer }).stderr ?? e).trim();
  }
});
afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', join(t.dir, 'small')]);
  t.cleanup();
});

describe('disk full and file too large', () => {
  it('disk full: IO error, acknowledged items intact, vault usable afterwards', async (ctx) => {
    if (!mounted) {
      ctx.skip(`mounting a tmpfs was refused here (${mountError}); the disk-full case needs it`);
      return;
    }
    const home = join(t.dir, 'small', 'home');
    const filler = join(t.dir, 'small', 'someone-elses-file');
    writeFileSync(filler, Buffer.alloc(1024 * 1024));
    const { vault } = await Vault.create(home, CRASH_PASS, { fastKdfForTests: true, chunker: CRASH_CHUNKS });
    try {
      await fillThenRecover(vault, filler);
    } finally {
      vault.close();
    }
    const again = await Vault.open(home, { passphrase: CRASH_PASS }, { fastKdfForTests: true });
    expect((await again.check({ readData: true })).problems).toEqual([]);
    again.close();
  });

  async function fillThenRecover(vault: Vault, filler: string): Promise<void> {
    const acked: Array<{ key: string; id: string }> = [];
    let failure: { code?: string; message: string } | null = null;
    for (let i = 0; i < 200 && !failure; i++) {
      const key = `full-${i}`;
      try {
        const [r] = await vault.putItems([crashItem(key)]);
        acked.push({ key, id: r!.id });
      } catch (e) {
        failure = e as { code?: string; message: string };
      }
    }
    expect(failure).not.toBeNull();
    expect(failure!.code).toBe('IO');
    expect(failure!.message).toMatch(/full|disk/i);
    expect(acked.length).toBeGreaterThan(3);
    for (const a of acked) expect((await readAll(vault.readFile(a.id))).equals(contentFor(a.key))).toBe(true);
    expect((await vault.check({ readData: true })).problems).toEqual([]);
    // the person frees space elsewhere; the same vault object carries on
    rmSync(filler);
    const [more] = await vault.putItems([crashItem('after-room')]);
    expect(more!.status).toBe('added');
    await vault.destroyItems(acked.slice(0, Math.floor(acked.length / 2)).map((a) => a.id));
    await vault.compact();
    for (const a of acked.slice(Math.floor(acked.length / 2))) expect((await readAll(vault.readFile(a.id))).equals(contentFor(a.key))).toBe(true);
  }

  it('EFBIG (ulimit -f): IO error naming the cause, and the vault keeps working', async () => {
    const home = join(t.dir, 'efbig-home');
    (await Vault.create(home, CRASH_PASS, { fastKdfForTests: true })).vault.close();
    const child = join(process.cwd(), 'test', 'reliability', 'vault-crash-child.ts');
    const r = spawnSync('bash', ['-c', `ulimit -f 2048; exec "${process.execPath}" bin/tsx.mjs "${child}" efbig "${home}"`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/BIG IO .*larger than this system allows/);
    expect(r.stdout).toContain('SMALL added');
    const vault = await Vault.open(home, { passphrase: CRASH_PASS }, { fastKdfForTests: true });
    expect((await vault.check({ readData: true })).problems).toEqual([]);
    expect(vault.stats().items).toBe(1);
    vault.close();
  });
});
