// The background checkpointer (index-db.ts BackgroundCheckpointer): committed WAL frames
// copied into the index file by a second connection on a worker thread while this thread
// goes on; the close still removes the WAL; a checkpointer that cannot work is ignored;
// kill -9 while it copies loses no committed row.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VaultContext } from '../../../main/core/vault/context';
import { attachCheckpointer, BackgroundCheckpointer, checkpointInBackground } from '../../../main/core/vault/index-db';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, openVault, tempDir } from './helpers';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function dbOf(vault: Vault): VaultContext['db'] {
  return (vault as unknown as { ctx: VaultContext }).ctx.db;
}

function addRows(vault: Vault, prefix: string, n: number): void {
  const db = dbOf(vault);
  const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(`${prefix}-${i}`, 'v'.repeat(1000));
  })();
}

function countRows(vault: Vault, prefix: string): number {
  return (dbOf(vault).prepare("SELECT count(*) AS n FROM meta WHERE key LIKE ? || '-%'").get(prefix) as { n: number }).n;
}

/** Waits (polling, bounded) until `done()` holds; the bound only keeps a broken build from hanging. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function fresh(): Promise<{ dir: string; vault: Vault; index: string }> {
  const t = tempDir('ks-ckpt-');
  cleanups.push(t.cleanup);
  const { vault } = await newVault(t.dir);
  return { dir: t.dir, vault, index: join(t.dir, 'vault', 'index.db') };
}

describe('background checkpoint', () => {
  it('copies committed frames into the index file while the connection stays open, and the close still removes the WAL', async () => {
    const { dir, vault, index } = await fresh();
    addRows(vault, 'a', 2000); // ~2 MB, far below the autocheckpoint: stays in the WAL
    const before = statSync(index).size;
    expect(statSync(`${index}-wal`).size).toBeGreaterThan(1_000_000);
    checkpointInBackground(dbOf(vault));
    await until(() => statSync(index).size > before + 1_000_000, 'the index file to take the frames');
    addRows(vault, 'b', 500); // the connection keeps writing after (and beside) a checkpoint
    checkpointInBackground(dbOf(vault));
    addRows(vault, 'c', 500);
    vault.close();
    expect(existsSync(`${index}-wal`)).toBe(false);
    const again = await openVault(dir);
    try {
      expect([countRows(again, 'a'), countRows(again, 'b'), countRows(again, 'c')]).toEqual([2000, 500, 500]);
      expect(dbOf(again).pragma('integrity_check', { simple: true })).toBe('ok');
      expect((await again.check()).ok).toBe(true);
    } finally {
      again.close();
    }
  });

  it('a checkpointer whose connection cannot open is ignored: nothing copied, nothing lost', async () => {
    const { dir, vault, index } = await fresh();
    const wrong = new BackgroundCheckpointer(join(dir, 'no-such-folder', 'index.db'), () => randomBytes(32));
    attachCheckpointer(dbOf(vault), wrong); // replaces the vault's own
    addRows(vault, 'a', 1000);
    const before = statSync(index).size;
    checkpointInBackground(dbOf(vault));
    await until(() => !wrong.usable, 'the checkpointer to give up');
    expect(statSync(index).size).toBe(before);
    checkpointInBackground(dbOf(vault)); // ignored now
    expect(wrong.running).toBe(false);
    addRows(vault, 'b', 10);
    vault.close();
    expect(existsSync(`${index}-wal`)).toBe(false);
    const again = await openVault(dir);
    try {
      expect([countRows(again, 'a'), countRows(again, 'b')]).toEqual([1000, 10]);
    } finally {
      again.close();
    }
  });

  it('closing while a checkpoint runs waits for it, then the close removes the WAL', async () => {
    const { dir, vault, index } = await fresh();
    addRows(vault, 'a', 3000);
    checkpointInBackground(dbOf(vault));
    vault.close(); // at once: the worker is still starting or copying
    expect(existsSync(`${index}-wal`)).toBe(false);
    const again = await openVault(dir);
    try {
      expect(countRows(again, 'a')).toBe(3000);
    } finally {
      again.close();
    }
  });

  // kill -9 at seeded moments while rounds are committed and checkpointed in the background
  for (const stopAfter of [1, 4, 9]) {
    it(`kill -9 after round ${stopAfter}: every round acknowledged before the kill is there, the index is intact`, async () => {
      const { dir, vault } = await fresh();
      vault.close();
      const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'tsx.mjs'), join(import.meta.dirname, 'checkpoint', 'kill-child.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let acked = -1;
      await new Promise<void>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const lines = text.split('\n');
          text = lines.pop()!;
          for (const l of lines) acked = Math.max(acked, Number(l));
          if (acked >= stopAfter && child.exitCode === null) child.kill('SIGKILL');
        });
        child.on('exit', () => resolve());
        child.on('error', reject);
      });
      expect(acked).toBeGreaterThanOrEqual(stopAfter);
      const again = await openVault(dir);
      try {
        for (let r = 0; r <= acked; r++) expect(countRows(again, `r${r}`)).toBe(300);
        expect(dbOf(again).pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        again.close();
      }
    }, 30_000);
  }
});
