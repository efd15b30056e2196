// RELIABILITY rows 1, 2 and 5: kill -9 at random points while items are stored and while
// a folder is backed up. After each kill the vault opens, check --read-data is clean,
// every acknowledged item is present and byte-identical, and every visible item is whole.
// 10 seeded iterations per mode; 200 with KEEPSAKE_RELIABILITY=1.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault } from '../../main/core/vault/vault';
import { readAll, tempDir } from '../unit/vault/helpers';
import { contentFor, CRASH_CHUNKS, CRASH_PASS, ITERATIONS, rng, runAndKill } from './vault-crash-fixture';

let t: ReturnType<typeof tempDir>;
beforeAll(async () => {
  t = tempDir('ks-crash-');
  const { vault } = await Vault.create(join(t.dir, 'home'), CRASH_PASS, { fastKdfForTests: true });
  vault.close();
});
afterAll(() => t.cleanup());

const open = (): Promise<Vault> => Vault.open(join(t.dir, 'home'), { passphrase: CRASH_PASS }, { fastKdfForTests: true, chunker: CRASH_CHUNKS });

async function verify(acked: Set<string>): Promise<void> {
  const vault = await open();
  try {
    const report = await vault.check({ readData: true });
    expect(report.problems).toEqual([]);
    const seen = new Set<string>();
    for (let page = vault.listItems({ limit: 1000 }); page.length; page = vault.listItems({ limit: 1000, after: page.at(-1)!.cursor })) {
      for (const item of page) {
        // every visible item is whole: its bytes are exactly what its key says
        expect((await readAll(vault.readFile(item.id))).equals(contentFor(item.title))).toBe(true);
        seen.add(item.title);
      }
    }
    for (const key of acked) expect(seen.has(key)).toBe(true);
  } finally {
    vault.close();
  }
}

describe('kill -9 while storing items', () => {
  it(`keeps every acknowledged item and no partial one (${ITERATIONS} seeded kills)`, async () => {
    const acked = new Set<string>();
    const random = rng(1234);
    for (let i = 0; i < ITERATIONS; i++) {
      const { acks } = await runAndKill(['put', join(t.dir, 'home'), String(i)], Math.floor(random() * 400));
      for (const a of acks) for (const k of a.split(',')) acked.add(k);
      await verify(acked);
    }
    expect(acked.size).toBeGreaterThan(0);
  });

  it(`a folder backup killed at random resumes and restores bit-identically (${Math.max(3, ITERATIONS / 2)} kills)`, async () => {
    const src = join(t.dir, 'src');
    mkdirSync(src, { recursive: true });
    for (let i = 0; i < 60; i++) writeFileSync(join(src, `f${i}`), contentFor(`file-${i}`));
    const random = rng(99);
    for (let i = 0; i < Math.max(3, ITERATIONS / 2); i++) {
      await runAndKill(['backup', join(t.dir, 'home'), src], Math.floor(random() * 600));
      const vault = await open();
      try {
        expect((await vault.check({ readData: true })).problems).toEqual([]);
      } finally {
        vault.close();
      }
    }
    const vault = await open();
    try {
      await vault.backupFolder(src);
      const out = join(t.dir, 'restored');
      await vault.restoreSnapshot('latest', out);
      expect(readdirSync(out).length).toBe(60);
      for (let i = 0; i < 60; i++) expect((await readAll((await import('node:fs')).createReadStream(join(out, `f${i}`)))).equals(contentFor(`file-${i}`))).toBe(true);
    } finally {
      vault.close();
    }
  });
});
