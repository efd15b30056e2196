// Kill -9 in the middle of `keepsake restore-device`, then run it again (child-process
// harness): while the first run is stopped no file under a final name is partial (each is
// byte-identical to the same file of an uninterrupted run), and the rerun finishes with a
// bundle identical to the uninterrupted one, with no temporaries and no duplicates. Also
// the CLI's --json report and its refusal of a folder holding someone else's files.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFrom } from '../../../main/cli/commands/restore-device';
import { Core } from '../../../main/core/core';
import { runImport } from '../../../main/core/intake/import-job';
import { silentLog } from '../../../main/core/log';
import { Vault } from '../../../main/core/vault/vault';
import { cleanup, FIXTURES, PASS, quiet, tempDir, treeHashes } from './helpers';

let dir: string;
let env: NodeJS.ProcessEnv;

function cli(args: string[]) {
  return spawnSync(process.execPath, ['bin/keepsake.mjs', ...args], { env, encoding: 'utf8', input: '' });
}

function finalFiles(root: string): Record<string, string> {
  const t = treeHashes(root);
  for (const k of Object.keys(t)) if (k.endsWith('.keepsake-tmp') || k === 'keepsake-recovery.json') delete t[k];
  return t;
}

beforeAll(async () => {
  dir = tempDir('recovery-kill');
  const home = join(dir, 'home');
  const core = new Core({ dataFolder: home, hostKind: 'cli', log: silentLog });
  core.vault = (await Vault.create(home, PASS, { fastKdfForTests: true })).vault;
  const f = (...p: string[]) => join(FIXTURES, ...p);
  await runImport(core, [f('contacts', 'ezvcard__John_Doe_IPHONE.vcf'), f('calendar', 'ical4j__OZMovies.ics'), f('email'), f('messages', 'sbrrend__test_archive.xml'), f('photos', 'exifr__IMG_20180725_163423-tiny.jpg'), f('photos', 'exifr__issue-exifr-4.jpg')], quiet);
  await core.close();
  env = { ...process.env, KEEPSAKE_HOME: home, KEEPSAKE_PASSPHRASE: PASS };
}, 120_000);

afterAll(() => cleanup(dir));

describe('restore-device killed mid-run', () => {
  it('leaves no partial file under a final name, and the rerun gives the identical bundle', async () => {
    const reference = join(dir, 'reference');
    const ref = cli(['restore-device', '--to-bundle', reference, '--location', 'approximate', '--json']);
    expect(ref.status, ref.stderr).toBe(0);
    const refFiles = finalFiles(reference);
    expect(Object.keys(refFiles).length).toBeGreaterThan(4);

    const out = join(dir, 'killed');
    const child = spawn(process.execPath, ['bin/keepsake.mjs', 'restore-device', '--to-bundle', out, '--location', 'approximate'], { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Kill as soon as the first category is complete: later ones are still being written.
    while (!existsSync(join(out, 'Contacts', 'contacts.vcf'))) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(out, 'keepsake-recovery.json'))).toBe(false); // it really was interrupted
    const partial = finalFiles(out);
    for (const [path, hash] of Object.entries(partial)) expect(hash, path).toBe(refFiles[path]);
    expect(Object.keys(partial).length).toBeLessThan(Object.keys(refFiles).length);

    const rerun = cli(['restore-device', '--to-bundle', out, '--location', 'approximate', '--json']);
    expect(rerun.status, rerun.stderr).toBe(0);
    const report = JSON.parse(rerun.stdout).report;
    expect(report.ok).toBe(true);
    expect(finalFiles(out)).toEqual(refFiles);
    expect(Object.keys(treeHashes(out)).filter((p) => p.endsWith('.keepsake-tmp'))).toEqual([]);
  }, 120_000);

  it('refuses a folder that holds other files, and bad options, in plain words', () => {
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'mine.txt'), 'not Keepsake');
    const r = cli(['restore-device', '--to-bundle', busy]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/already holds other files/);
  }, 60_000);

  it('reads its options into a plan, refusing bad ones in plain words', () => {
    expect(planFrom({ 'to-bundle': '/b', categories: ['contact,photo'], location: 'approximate', from: '2020-01-01', to: '2020-12-31' })).toEqual({
      source: { kind: 'everything' },
      target: { kind: 'bundle', dir: '/b' },
      categories: ['contact', 'photo'],
      location: { precision: 'approximate', expiresInMinutes: 60 },
      from: Date.UTC(2020, 0, 1),
      to: Date.UTC(2020, 11, 31) + 86_399_999,
    });
    expect(planFrom({ 'to-device': 'dev1', source: 'snapshot:3' })).toMatchObject({ source: { kind: 'snapshot', snapshotId: 3 }, target: { kind: 'device', deviceId: 'dev1' }, location: { precision: 'none' } });
    expect(() => planFrom({ 'to-bundle': '/b', location: 'exact' })).toThrow(/--location must be precise, approximate or none/);
    expect(() => planFrom({ 'to-bundle': '/b', categories: ['contact,weather'] })).toThrow(/Unknown category "weather"/);
    expect(() => planFrom({})).toThrow(/--to-bundle DIR or --to-device ID/);
    expect(() => planFrom({ 'to-bundle': '/b', source: 'moon:1' })).toThrow(/is not understood/);
  });
});
