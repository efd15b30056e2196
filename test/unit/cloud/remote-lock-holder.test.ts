// Who may take over a cloud lock that has not expired: only this computer, in this boot,
// when the process that wrote it is gone (a crash or a kill here). A lock written by a
// process of the same host NAME on another computer (a cloned image, a default name) or
// in another boot is someone else's and is refused until it runs out; so is a lock in the
// old format that carried only a host name.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveCloudKeys, objectName, seal, type CloudKeys } from '../../../main/core/cloud/mirror/cloud-crypto';
import { acquireRemoteLock } from '../../../main/core/cloud/mirror/remote-lock';
import { FolderTarget } from '../../../main/core/cloud/folder-target';
import type { RetryPolicy } from '../../../main/core/cloud/retry';

const policy: RetryPolicy = { attempts: 2, baseMs: 1, maxMs: 2, maxRetryAfterMs: 10, random: () => 0.5, sleep: async () => undefined };
const bootId = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
})();

let dir: string;
let target: FolderTarget;
let keys: CloudKeys;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ks-lock-holder-'));
  target = new FolderTarget(dir);
  keys = deriveCloudKeys(randomBytes(32));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A process id that ran here and has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;

async function leaveLock(body: Record<string, unknown>): Promise<void> {
  const logical = 'lock/gc';
  const sealed = seal(keys, 'lock', logical, Buffer.from(JSON.stringify({ holder: 'someone', expiresAt: Date.now() + 10 * 60_000, mode: 'gc', ...body })));
  await target.put(objectName(keys, logical), sealed, sealed.length);
}

describe('a cloud lock that has not expired', () => {
  it.runIf(bootId !== null)('is taken over when a process of this boot of this computer wrote it and has exited', async () => {
    await leaveLock({ boot: bootId, pid: deadPid() });
    const lease = await acquireRemoteLock(target, keys, policy, Date.now, undefined);
    await lease.release();
  });

  it('is refused when another boot or another computer wrote it, whatever its pid', async () => {
    await leaveLock({ boot: 'a-different-boot', pid: deadPid() });
    await expect(acquireRemoteLock(target, keys, policy, Date.now, undefined)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('is refused when it names only a host (the old format): the same name may be another computer', async () => {
    await leaveLock({ host: hostname(), pid: deadPid() });
    await expect(acquireRemoteLock(target, keys, policy, Date.now, undefined)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
