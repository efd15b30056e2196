// What the command line refuses, as a real process: plain http to a host other than this
// machine (exit 3, FORBIDDEN), and a recovery key that does not open the vault found at
// the target (exit 4, WRONG_PASSPHRASE), leaving the new data folder without a vault.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { startRig, type TargetRig } from './helpers';
import { fastRetry, makeVault, tempDir, type TestVault } from './mirror-helpers';

const run = promisify(execFile);
const BIN = join(__dirname, '../../../bin/keepsake.mjs');
const PASS = 'correct horse battery staple'; // makeVault's passphrase

async function keepsake(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

it('refuses plain http to another host with exit status 3', async () => {
  const tv: TestVault = await makeVault([]);
  tv.vault.close(); // the CLI opens it itself
  cleanup.push(() => rmSync(tv.dataFolder, { recursive: true, force: true }));
  const r = await keepsake(['target', 'add', 's3', '--endpoint', 'http://192.0.2.1:9000', '--bucket', 'b-x', '--json'], { KEEPSAKE_HOME: tv.dataFolder, KEEPSAKE_PASSPHRASE: PASS, AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' });
  expect(r.code).toBe(3);
  expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(r.stdout).toMatch(/plain http/);
});

it('refuses a recovery key that does not open the vault at the target, with exit status 4', async () => {
  const rig: TargetRig = await startRig('folder');
  cleanup.push(() => rig.close());
  const tv = await makeVault(['contacts']);
  const other = await makeVault([]);
  cleanup.push(() => tv.close(), () => other.close());
  const targetId = tv.store.add({ kind: 'folder', path: rig.directory }, {}).id;
  await syncToTarget(tv.source, { targetId, target: rig.target, store: tv.store, retry: fastRetry });
  const fresh = tempDir('cli-wrong');
  cleanup.push(() => rmSync(fresh, { recursive: true, force: true }));
  const r = await keepsake(['restore-vault', '--from', `folder:${rig.directory}`], { KEEPSAKE_HOME: fresh, KEEPSAKE_RECOVERY_KEY: other.recoveryKey });
  expect(r.code).toBe(4);
  expect(r.stderr).toMatch(/^keepsake restore-vault: /m);
  expect(existsSync(join(fresh, 'vault', 'keyslots.json'))).toBe(false);
});
