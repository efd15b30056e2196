// The command-line interface other checks rely on, run as a real process against an S3
// server and a WebDAV server on 127.0.0.1: init → backup → target add → sync --json →
// (new data folder) restore-vault --from … with KEEPSAKE_RECOVERY_KEY → restore → compare.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { startWebDavServer, type WebDavTestServer } from '../../support/webdav-server';
import { FIXTURES, tempDir, treeHashes } from './mirror-helpers';

const run = promisify(execFile);
const BIN = join(__dirname, '../../../bin/keepsake.mjs');

// No NODE_NO_WARNINGS: stderr must be empty as a person would see it (the CLI silences the
// AWS SDK's note about Node 20's support window itself: main/cli/main.ts).
async function keepsake(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}


describe('keepsake target / sync / restore-vault', () => {
  let s3: S3TestServer;
  let dav: WebDavTestServer;
  const home = tempDir('cli-home');
  const dirs: string[] = [home];
  const base = { KEEPSAKE_PASSPHRASE: 'a long enough test passphrase', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
  let recoveryKey = '';
  beforeAll(async () => {
    s3 = await startS3Server();
    dav = await startWebDavServer();
  });
  afterAll(async () => {
    await s3?.close();
    await dav?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('mirrors a vault and restores it on a "new computer" from each target', async () => {
    const env = { ...base, KEEPSAKE_HOME: home };
    const init = await keepsake(['init', '--json'], env);
    expect(init.code).toBe(0);
    recoveryKey = (JSON.parse(init.stdout) as { recoveryKey: string }).recoveryKey;
    expect((await keepsake(['backup', join(FIXTURES, 'contacts')], env)).code).toBe(0);

    const addS3 = await keepsake(['target', 'add', 's3', '--endpoint', s3.endpoint, '--bucket', s3.bucket, '--prefix', 'mine', '--path-style', '--json'], env);
    expect(addS3.stderr).toBe('');
    expect(addS3.code).toBe(0);
    expect(JSON.parse(addS3.stdout)).toMatchObject({ ok: true, conformance: { ok: true } });
    const addDav = await keepsake(['target', 'add', 'webdav', '--url', dav.url, '--user', dav.username], { ...env, KEEPSAKE_WEBDAV_PASSWORD: dav.password });
    expect(addDav.code).toBe(0);
    expect(addDav.stdout).toMatch(/Added WebDAV/);

    const sync = await keepsake(['sync', '--json'], env);
    expect(sync.code).toBe(0);
    const targets = (JSON.parse(sync.stdout) as { targets: Array<{ report: { counter: number } | null; error: string | null }> }).targets;
    expect(targets).toHaveLength(2);
    for (const t of targets) expect(t.error).toBeNull();

    const list = await keepsake(['target', 'list'], env);
    expect(list.stdout).toMatch(/Last synced just now · .* up · \d+ objects · no errors/);
    // Credentials never appear in what the CLI prints.
    expect(list.stdout + sync.stdout + addS3.stdout).not.toContain(dav.password);

    // Restoring from each kind of target is covered in-process (mirror-restore.test.ts);
    // here the command line is under test, through one of them, to keep the file short.
    for (const spec of [`s3:${s3.endpoint}/${s3.bucket}/mine`]) {
      const fresh = tempDir('cli-restored');
      dirs.push(fresh);
      const r = await keepsake(['restore-vault', '--from', spec, '--json'], { ...base, KEEPSAKE_HOME: fresh, KEEPSAKE_RECOVERY_KEY: recoveryKey, KEEPSAKE_WEBDAV_USER: dav.username, KEEPSAKE_WEBDAV_PASSWORD: dav.password });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = join(fresh, 'out');
      expect((await keepsake(['restore', 'latest', out], { ...base, KEEPSAKE_HOME: fresh })).code).toBe(0);
      expect(treeHashes(out)).toEqual(treeHashes(join(FIXTURES, 'contacts')));
    }
  });
});
