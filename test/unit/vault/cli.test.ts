// The vault CLI as scripts use it: KEEPSAKE_HOME + KEEPSAKE_PASSPHRASE / --passphrase-file
// / stdin, --json output, and exit status 0 only on full success.
import { spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readSync, writeSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  t = tempDir('ks-cli-');
  env = { ...process.env, KEEPSAKE_HOME: join(t.dir, 'home'), KEEPSAKE_PASSPHRASE: 'cli test passphrase' };
});
afterAll(() => t.cleanup());

function ks(args: string[], extra: NodeJS.ProcessEnv = {}, input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/keepsake.mjs', ...args], { env: { ...env, ...extra }, encoding: 'utf8', input: input ?? '' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('keepsake vault commands', () => {
  it('init, backup, stats, check, restore, unlock: unattended and scriptable', () => {
    const init = ks(['init', '--json']);
    expect(init.status).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ ok: true, recoveryKey: expect.any(String) });

    const src = join(t.dir, 'src');
    mkdirSync(join(src, 'DCIM'), { recursive: true });
    writeFileSync(join(src, 'DCIM', 'IMG_1.jpg'), pseudoRandom(2_000_000, 1));
    writeFileSync(join(src, 'note.txt'), 'hi');
    const backup = ks(['backup', src, '--json']);
    expect(backup.status).toBe(0);
    expect(JSON.parse(backup.stdout).report).toMatchObject({ files: 2, added: 2 });

    const stats = JSON.parse(ks(['stats', '--json']).stdout);
    expect(stats.stats).toMatchObject({ items: 2, files: 2, snapshots: 1 });
    expect(ks(['check', '--read-data']).status).toBe(0);

    const out = join(t.dir, 'out');
    expect(ks(['restore', 'latest', out]).status).toBe(0);
    expect(readFileSync(join(out, 'DCIM', 'IMG_1.jpg')).equals(pseudoRandom(2_000_000, 1))).toBe(true);
    expect(ks(['restore', 'bogus', out]).status).toBe(2);

    // passphrase sources: file and stdin; wrong passphrase is exit 4
    const pf = join(t.dir, 'pass');
    writeFileSync(pf, 'cli test passphrase\n');
    expect(ks(['unlock', '--passphrase-file', pf], { KEEPSAKE_PASSPHRASE: '' }).status).toBe(0);
    expect(ks(['unlock'], { KEEPSAKE_PASSPHRASE: '' }, 'cli test passphrase\n').status).toBe(0);
    const wrong = ks(['unlock', '--json'], { KEEPSAKE_PASSPHRASE: 'nope' });
    expect(wrong.status).toBe(4);
    expect(JSON.parse(wrong.stdout).error.code).toBe('WRONG_PASSPHRASE');

    // damage a pack: check --read-data exits 7 and names the item
    const packs = join(t.dir, 'home', 'vault', 'packs');
    const sub = readdirSync(packs)[0]!;
    const pack = join(packs, sub, readdirSync(join(packs, sub))[0]!);
    const fd = openSync(pack, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, 5000);
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, 5000);
    closeSync(fd);
    const bad = ks(['check', '--read-data']);
    expect(bad.status).toBe(7);
    expect(bad.stderr).toContain('IMG_1.jpg');
    const repaired = ks(['check', '--repair']);
    expect(repaired.status).toBe(0);
    expect(repaired.stdout).toMatch(/Removed 1 damaged item\(s\): "IMG_1.jpg"/);
    expect(ks(['backup', src]).status).toBe(0); // brings it back
    expect(ks(['check', '--read-data']).status).toBe(0);
  }, 240_000); // a dozen CLI processes; slow only when the machine is shared

  it('fails clearly without a vault or a passphrase', () => {
    expect(ks(['stats'], { KEEPSAKE_HOME: join(t.dir, 'none') }).status).toBe(5);
    expect(ks(['backup'], {}).status).toBe(2);
  });
});
