// Disaster recovery: rebuild a whole vault on a new computer from a cloud target and the
// recovery key alone. [ARCHITECTURE §3–4; RELIABILITY row 42]
// 1. Fetch the key-slot file (it is protected by its own design: wrapped keys plus a MAC
//    under the master key) and open it with the recovery key — no key, no vault.
// 2. Derive the cloud key, read the newest manifest. 3. Download the index segments,
//    check each against the manifest (size, SHA-256, keyed MAC of the plaintext), and
//    write them as a fresh encrypted index. 4. Download every pack, check it, and write
//    it tmp → fsync → rename. 5. Open the result as a vault and run check --read-data,
//    which decrypts every chunk. Anything that fails is named; nothing is half-trusted.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, open as openFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import type { Log } from '../../log';
import { ensurePrivateDir } from '../../paths';
import { writeFileAtomic } from '../../vault/keys/atomic-file';
import { unlockKeySlots } from '../../vault/keys/key-slots';
import { purposeKey } from '../../vault/keys/purpose-keys';
import { packPath, vaultLayout } from '../../vault/layout';
import type { CheckReport } from '../../vault/types';
import { Vault } from '../../vault/vault';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from '../retry';
import type { CloudTarget } from '../target';
import { deriveCloudKeys, keySlotObjectNames, sha256, wipeCloudKeys, type CloudKeys } from './cloud-crypto';
import { assembleIndex } from './index-bundles';
import { pool } from './local-packs';
import { readRemoteManifests, type Manifest } from './manifest';
import { writeIndexFromImage } from './index-snapshot';

export interface RestoreOptions {
  retry?: RetryPolicy;
  concurrency?: number;
  signal?: AbortSignal;
  progress?: (p: { phase: string; done: number; total: number; bytesDone: number; bytesTotal: number }) => void;
  checkpoint?: () => Promise<void>;
  log?: Log;
  /** Unit tests only: vaults made with cheap Argon2 parameters. */
  fastKdfForTests?: boolean;
  /** Skip the final check --read-data (never for people; the bench times it apart). */
  skipCheck?: boolean;
}

export interface RestoreReport {
  vaultId: string;
  counter: number;
  packs: number;
  bytes: number;
  check: CheckReport | null;
}

export async function restoreVault(dataFolder: string, target: CloudTarget, recoveryKey: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const layout = vaultLayout(dataFolder);
  if (existsSync(layout.keySlots) || existsSync(layout.index)) {
    throw new KeepsakeError('CONFLICT', 'This data folder already holds a vault. Restore into an empty data folder so nothing is overwritten.');
  }
  const policy = opts.retry ?? defaultRetryPolicy;
  const signal = opts.signal;
  const say = (phase: string, done = 0, total = 0, bytesDone = 0, bytesTotal = 0): void => opts.progress?.({ phase, done, total, bytesDone, bytesTotal });
  ensurePrivateDir(layout.root);
  let completed = false;
  try {
    say('Opening the key slots with the recovery key');
    const { masterKey, vaultId } = await fetchAndUnlockKeySlots(target, dataFolder, recoveryKey, policy, opts);
    const keys = deriveCloudKeys(purposeKey(masterKey, 'cloud'));
    const indexKey = purposeKey(masterKey, 'index-db');
    masterKey.fill(0);
    try {
      const { newest } = await withRetry(() => readRemoteManifests(target, keys, vaultId, signal), policy, signal);
      if (!newest) throw new KeepsakeError('NOT_FOUND', 'The target holds key slots but no complete copy of the vault (no manifest). Nothing was restored.');
      const bytesTotal = newest.packs.reduce((n, p) => n + p.size, 0) + newest.index.segments.reduce((n, s) => n + s.size, 0);
      let bytesDone = 0;

      say('Downloading the index', 0, newest.index.segments.length, 0, bytesTotal);
      const image = await downloadIndex(target, keys, newest, policy, signal, (b) => (bytesDone += b));
      writeIndexFromImage(image, layout.index, indexKey);
      image.fill(0);

      let done = 0;
      const failed = await pool(newest.packs, opts.concurrency ?? 4, async (p) => {
        await opts.checkpoint?.();
        const data = await withRetry(() => fetchVerified(target, p, 'pack', signal), policy, signal);
        await writeDurable(packPath(layout, p.id), data);
        bytesDone += data.length;
        say('Downloading packs', ++done, newest.packs.length, bytesDone, bytesTotal);
      });
      if (failed.length > 0) {
        const first = failed[0]?.error;
        // A full or failing local disk is not the cloud's fault: say so, so the person frees
        // space instead of retrying the download.
        const local = failed.map((f) => f.error as NodeJS.ErrnoException).find((e) => e && (e.code === 'ENOSPC' || e.code === 'EDQUOT' || e.code === 'EFBIG' || e.code === 'EIO' || e.code === 'EROFS'));
        if (local) {
          throw new KeepsakeError(
            'IO',
            local.code === 'ENOSPC' || local.code === 'EDQUOT'
              ? `The disk of this computer is full: ${failed.length} of ${newest.packs.length} packs could not be written. Free some space and restore again; the incomplete restore was removed.`
              : `This computer could not write the restored vault (${local.code}). The incomplete restore was removed.`,
            { missing: failed.map((f) => f.item.id) },
          );
        }
        throw new KeepsakeError(
          isKeepsakeError(first) && first.code === 'CORRUPT' ? 'CORRUPT' : 'NETWORK',
          `${failed.length} of ${newest.packs.length} packs could not be downloaded intact (${failed.slice(0, 5).map((f) => f.item.id.slice(0, 16)).join(', ')}). The restore is incomplete and was removed; try again.`,
          { missing: failed.map((f) => f.item.id) },
        );
      }

      let check: CheckReport | null = null;
      if (!opts.skipCheck) {
        say('Checking every chunk (check --read-data)');
        const vault = await Vault.open(dataFolder, { recoveryKey }, opts.fastKdfForTests ? { fastKdfForTests: true } : {});
        try {
          check = await vault.check({ readData: true });
        } finally {
          vault.close();
        }
        if (!check.ok) {
          throw new KeepsakeError('CORRUPT', `The restored vault failed its full check (${check.problems.length} problem(s), ${check.affectedItems.length} item(s) affected). The restored files were kept for inspection.`, { keepFiles: true });
        }
      }
      completed = true;
      say('Finished', newest.packs.length, newest.packs.length, bytesDone, bytesTotal);
      return { vaultId, counter: newest.counter, packs: newest.packs.length, bytes: bytesDone, check };
    } finally {
      wipeCloudKeys(keys);
      indexKey.fill(0);
    }
  } catch (e) {
    // A failed restore leaves the data folder as it found it (no half vault that looks whole),
    // except when the check failed and the person may want to look at what came down.
    if (!completed && !(isKeepsakeError(e) && e.details?.keepFiles === true)) {
      rmSync(layout.root, { recursive: true, force: true });
    }
    throw e;
  }
}

async function fetchAndUnlockKeySlots(target: CloudTarget, dataFolder: string, recoveryKey: string, policy: RetryPolicy, opts: RestoreOptions): Promise<{ masterKey: Buffer; vaultId: string }> {
  const candidates: Array<{ body: Buffer; generation: number }> = [];
  for (const name of keySlotObjectNames()) {
    try {
      const body = await withRetry(() => target.get(name, undefined, opts.signal), policy, opts.signal);
      const generation = Number((JSON.parse(body.toString('utf8')) as { body?: { generation?: number } }).body?.generation ?? 0);
      candidates.push({ body, generation });
    } catch (e) {
      if (isKeepsakeError(e) && e.code === 'NOT_FOUND') continue;
      if (e instanceof SyntaxError) continue; // damaged copy: the other slot may be fine
      throw e;
    }
  }
  if (candidates.length === 0) throw new KeepsakeError('NOT_FOUND', 'There is no Keepsake vault at this target (no key slots found).');
  candidates.sort((a, b) => b.generation - a.generation);
  let last: unknown = null;
  const layout = vaultLayout(dataFolder);
  const dest = layout.keySlots;
  for (const c of candidates) {
    writeFileAtomic(dest, c.body);
    try {
      const u = await unlockKeySlots(layout, { recoveryKey }, opts.fastKdfForTests ? { fastKdfForTests: true } : {});
      return { masterKey: u.masterKey, vaultId: u.vaultId };
    } catch (e) {
      last = e;
      rmSync(dest, { force: true });
    }
  }
  throw last instanceof KeepsakeError ? last : new KeepsakeError('WRONG_PASSPHRASE', 'The recovery key does not open the vault at this target.');
}

async function downloadIndex(target: CloudTarget, keys: CloudKeys, m: Manifest, policy: RetryPolicy, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<Buffer> {
  return assembleIndex(keys, m.index, (ref) => withRetry(() => fetchVerified(target, ref, 'index segment', signal), policy, signal), onBytes);
}

/** Downloads one object and checks it against the manifest; a mismatch is retried once more by the caller's policy. */
async function fetchVerified(target: CloudTarget, ref: { name: string; size: number; sha256: string }, what: string, signal?: AbortSignal): Promise<Buffer> {
  const data = await target.get(ref.name, undefined, signal);
  if (data.length !== ref.size || sha256(data) !== ref.sha256) {
    throw new KeepsakeError('CORRUPT', `A ${what} downloaded from the cloud does not match the manifest (damaged, or swapped with another object).`, { retryable: true });
  }
  return data;
}

async function writeDurable(path: string, data: Buffer): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.restore-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await openFile(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  const d = await openFile(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
