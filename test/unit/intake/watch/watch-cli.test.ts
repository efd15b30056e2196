// `keepsake watch add|list|remove` as a person or a script uses it: the list lives in the
// vault, --json prints one document, bad folders and unknown watches exit non-zero with
// plain words.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'keepsake-watch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, KEEPSAKE_HOME: join(dir, 'home'), KEEPSAKE_PASSPHRASE: 'watch cli test passphrase' };
const ks = (args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/keepsake.mjs', ...args], { env, encoding: 'utf8', input: '' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe('keepsake watch', () => {
  it('adds, lists and removes watched folders, and refuses what cannot be watched', () => {
    expect(ks(['init', '--json']).status).toBe(0);
    const folder = join(dir, 'Phone exports');
    mkdirSync(folder);
    const added = ks(['watch', 'add', folder, '--json']);
    expect(added.status).toBe(0);
    const w = JSON.parse(added.stdout).watch as { id: string; path: string; state: string; filesImported: number };
    expect(w).toMatchObject({ path: folder, state: 'stopped', filesImported: 0 }); // this process only edits the list

    const listed = JSON.parse(ks(['watch', 'list', '--json']).stdout).watches as Array<{ id: string }>;
    expect(listed.map((x) => x.id)).toEqual([w.id]);
    expect(ks(['watch', 'list']).stdout).toContain(`${folder}\n  id ${w.id}; 0 files imported; not looked at yet`);

    writeFileSync(join(dir, 'a-file.vcf'), 'x');
    const notDir = ks(['watch', 'add', join(dir, 'a-file.vcf')]);
    expect(notDir.status).not.toBe(0);
    expect(notDir.stderr).toMatch(/Choose a folder to watch/);
    expect(ks(['watch', 'add', join(dir, 'nope')]).stderr).toMatch(/no such folder/);
    expect(ks(['watch', 'add', join(dir, 'home')]).stderr).toMatch(/data folder/);
    expect(ks(['watch', 'frobnicate']).status).not.toBe(0);

    const removed = ks(['watch', 'remove', folder, '--json']);
    expect(removed.status).toBe(0);
    expect(JSON.parse(removed.stdout).removed.id).toBe(w.id);
    expect(ks(['watch', 'list']).stdout).toContain('No folders are watched.');
    expect(ks(['watch', 'remove', folder]).stderr).toMatch(/not watched/);
  }, 120_000);
});
