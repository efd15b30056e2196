// Encrypted Android backups (the real fixture, password `test`): without a password, or
// with a wrong one, the file is refused in plain words and marked needsPassword so a host
// can ask and retry; with the right one (intake.start's backupPassword, or in the CLI
// KEEPSAKE_AB_PASSWORD / --backup-password-file) it is imported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { call } from '../../../main/core/dispatch';
import { launchImport } from '../../../main/core/intake/import-job';
import { silentLog } from '../../../main/core/log';
import { Vault } from '../../../main/core/vault/vault';
import { FIXTURES } from './records/helpers';

const ENCRYPTED = join(FIXTURES, 'backups/bluec0re__test_aes256_pw-test_v3.ab');
const { KEEPSAKE_AB_PASSWORD: _ignored, ...cleanEnv } = process.env;

describe('backup password in the import job', () => {
  let dir: string;
  let core: Core;
  const saved = process.env.KEEPSAKE_AB_PASSWORD;
  beforeEach(async () => {
    delete process.env.KEEPSAKE_AB_PASSWORD; // the containers' fallback must not answer for us
    dir = mkdtempSync(join(tmpdir(), 'keepsake-abpw-'));
    core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog });
    core.vault = (await Vault.create(core.dataFolder, 'ab password test passphrase', { fastKdfForTests: true })).vault;
  });
  afterEach(async () => {
    if (saved !== undefined) process.env.KEEPSAKE_AB_PASSWORD = saved;
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks a missing or wrong password, and imports with the right one', async () => {
    const none = await launchImport(core, [ENCRYPTED]).result;
    expect(none.files[0]).toMatchObject({ status: 'refused', needsPassword: true, reason: expect.stringMatching(/encrypted\. Enter the password/) });
    const wrong = await launchImport(core, [ENCRYPTED], { password: 'nope' }).result;
    expect(wrong.files[0]).toMatchObject({ status: 'refused', needsPassword: true, reason: expect.stringMatching(/password for this Android backup is wrong/) });
    const job = await call(core, 'intake.start', { paths: [ENCRYPTED], backupPassword: 'test' });
    const until = Date.now() + 30_000;
    let report = await call(core, 'intake.report', { jobId: job.id });
    while (report.state === 'running' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 25));
      report = await call(core, 'intake.report', { jobId: job.id });
    }
    expect(report.files[0]).toMatchObject({ status: 'imported', format: 'android-backup' });
    expect(report.files[0]?.needsPassword).toBeUndefined();
    expect(report.files[0]?.added).toBeGreaterThan(0);
  }, 60_000);
});

describe('keepsake import and the backup password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-abpw-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...cleanEnv, KEEPSAKE_HOME: join(dir, 'home'), KEEPSAKE_PASSPHRASE: 'ab password cli passphrase' };
  const ks = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, ['bin/keepsake.mjs', ...args], { env: { ...env, ...extra }, encoding: 'utf8', input: '' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('refuses without a password (saying how to give one), imports with KEEPSAKE_AB_PASSWORD or a password file', () => {
    expect(ks(['init', '--json']).status).toBe(0);
    const without = ks(['import', ENCRYPTED, '--json']);
    expect(without.status).toBe(0);
    expect(JSON.parse(without.stdout).files[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/encrypted/) });
    expect(without.stderr).toMatch(/KEEPSAKE_AB_PASSWORD/);

    const wrongFile = join(dir, 'wrong.txt');
    writeFileSync(wrongFile, 'not it\n');
    const wrong = ks(['import', ENCRYPTED, '--json', '--backup-password-file', wrongFile]);
    expect(JSON.parse(wrong.stdout).files[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/wrong/) });

    const withEnv = ks(['import', ENCRYPTED, '--json'], { KEEPSAKE_AB_PASSWORD: 'test' });
    expect(withEnv.status).toBe(0);
    const doc = JSON.parse(withEnv.stdout) as { files: Array<{ status: string; items: Record<string, number> }> };
    expect(doc.files[0]?.status).toBe('imported');
    expect(Object.values(doc.files[0]!.items).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const file = join(dir, 'pw.txt');
    writeFileSync(file, 'test\n');
    const again = ks(['import', ENCRYPTED, '--json', '--backup-password-file', file]);
    expect(JSON.parse(again.stdout).files[0]?.status).toBe('duplicate');
  }, 120_000);
});
