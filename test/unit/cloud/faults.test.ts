// Transient faults and lying backends (RELIABILITY rows 10, 11): packs go up through the
// seeded fault proxy in front of s3rver and webdav-server with 10–50 % of requests
// faulted. Either every pack arrives and verifies (checked afterwards through a clean
// connection, hash by hash) and a manifest is published, or the sync fails naming what
// is missing and the published manifest is unchanged — never success with data missing.
// The default run is short (100 small packs at 30 %); KEEPSAKE_RELIABILITY=1 runs 500
// packs at 10, 30 and 50 %.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeepsakeError } from '../../../common/errors';
import { deriveCloudKeys, objectName, sha256 } from '../../../main/core/cloud/mirror/cloud-crypto';
import { readRemoteManifests } from '../../../main/core/cloud/mirror/manifest';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import type { RetryPolicy } from '../../../main/core/cloud/retry';
import type { FaultKind } from '../../support/fault-proxy';
import { startRig, type TargetRig } from './helpers';
import { fastRetry } from './mirror-helpers';
import { syntheticVault, type SyntheticVault } from './synthetic-source';

const LONG = process.env.KEEPSAKE_RELIABILITY === '1';
const PACKS = LONG ? 500 : 100;
const TOXICITIES = LONG ? [0.1, 0.3, 0.5] : [0.3];
let rig: TargetRig | null = null;
let sv: SyntheticVault | null = null;
afterEach(async () => {
  sv?.close();
  await rig?.close();
  sv = null;
  rig = null;
});

async function expectAllThere(r: TargetRig, v: SyntheticVault): Promise<void> {
  // Read back through a fresh client with the proxy's faults switched off.
  r.proxy?.set({ toxicity: 0 });
  const clean = r.reopen();
  const keys = deriveCloudKeys(v.source.cloudKey);
  const { newest } = await readRemoteManifests(clean, keys, v.source.vaultId);
  expect(newest?.packs.length).toBe(v.packIds.length);
  for (const id of v.packIds) {
    const local = readFileSync(join(v.source.packsDir, id.slice(0, 2), `${id}.pack`));
    const remote = await clean.get(objectName(keys, `pack/${id}`));
    expect(sha256(remote)).toBe(sha256(local));
  }
}

const TRANSIENT: FaultKind[] = ['error-500', 'slowdown-503', 'reset-request', 'reset-response', 'stall', 'truncate-response', 'bitflip-response'];
const LYING: FaultKind[] = ['bitflip-request', 'truncate-request'];

describe.each(['s3', 'webdav'] as const)('uploads through faults: %s', (kind) => {
  it.each(TOXICITIES)(`${PACKS} packs at toxicity %s all arrive verified, or the sync fails naming what is missing`, async (toxicity) => {
    rig = await startRig(kind, { proxy: { seed: Math.round(toxicity * 1000) + (kind === 's3' ? 1 : 2), toxicity, faults: [...TRANSIENT, ...LYING], stallMs: 100, retryAfterSeconds: 1 } });
    sv = syntheticVault(PACKS, 4 * 1024);
    const policy: RetryPolicy = { ...fastRetry, attempts: 12 };
    try {
      const report = await syncToTarget(sv.source, { targetId: sv.targetId, target: rig.target, store: sv.store, retry: policy, concurrency: 4 });
      expect(report.packs.total).toBe(PACKS);
      await expectAllThere(rig, sv);
    } catch (e) {
      // Up to 30 % a 12-try budget must get everything through (a fixed seed: this is
      // deterministic for the proxy's choices); at 50 % an honest failure is acceptable.
      if (toxicity < 0.5) throw e;
      // Allowed only as an honest failure: named objects, and no manifest claiming them.
      expect(e).toBeInstanceOf(KeepsakeError);
      const err = e as KeepsakeError;
      expect(err.message).toMatch(/could not be uploaded and verified|gave up/);
      rig.proxy?.set({ toxicity: 0 });
      const { newest } = await readRemoteManifests(rig.target, deriveCloudKeys(sv.source.cloudKey), sv.source.vaultId);
      expect(newest).toBeNull();
    }
    const injected = Object.entries(rig.proxy?.stats ?? {}).filter(([k]) => k !== 'passed').reduce((n, [, v]) => n + v, 0);
    expect(injected).toBeGreaterThan(0);
  });

  it('detects a lying backend (flipped byte or short body accepted with 200) before publishing, and re-sends', async () => {
    rig = await startRig(kind, { proxy: { seed: 7, toxicity: 0.4, faults: LYING, match: ({ method }) => method === 'PUT' } });
    sv = syntheticVault(20, 16 * 1024);
    const report = await syncToTarget(sv.source, { targetId: sv.targetId, target: rig.target, store: sv.store, retry: { ...fastRetry, attempts: 15 } });
    expect(report.retries).toBeGreaterThan(0);
    expect((rig.proxy?.stats['bitflip-request'] ?? 0) + (rig.proxy?.stats['truncate-request'] ?? 0)).toBeGreaterThan(0);
    await expectAllThere(rig, sv);
  });

  it('gets everything through a slow link (latency and a bandwidth cap on every request)', async () => {
    rig = await startRig(kind, { proxy: { seed: 5, toxicity: 0, latencyMs: 5, bandwidth: 2 * 1024 * 1024 } });
    sv = syntheticVault(10, 32 * 1024);
    await syncToTarget(sv.source, { targetId: sv.targetId, target: rig.target, store: sv.store, retry: fastRetry });
    await expectAllThere(rig, sv);
  });

  it('fails naming the missing packs and publishes nothing when the retry budget runs out', async () => {
    // Every PUT fails except the first: the sync's lock on the target (row 8) goes through.
    let lockPut = false;
    const match = ({ method }: { method: string }): boolean => method === 'PUT' && (lockPut || !(lockPut = true));
    rig = await startRig(kind, { proxy: { seed: 3, toxicity: 1, faults: ['error-500'], match } });
    sv = syntheticVault(5);
    const err = await syncToTarget(sv.source, { targetId: sv.targetId, target: rig.target, store: sv.store, retry: { ...fastRetry, attempts: 3 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeepsakeError);
    expect((err as KeepsakeError).message).toMatch(/5 of \d+ objects could not be uploaded/);
    expect((err as KeepsakeError).message).toContain(`pack ${sv.packIds[0]?.slice(0, 16) ?? ''}`.slice(0, 10));
    expect(((err as KeepsakeError).details?.missing as unknown[]).length).toBe(5);
    rig.proxy?.set({ toxicity: 0 });
    const { newest } = await readRemoteManifests(rig.target, deriveCloudKeys(sv.source.cloudKey), sv.source.vaultId);
    expect(newest).toBeNull();
    expect(sv.store.get(sv.targetId).health.errors).toBe(1);
    expect(sv.store.get(sv.targetId).health.lastError).toMatch(/could not be uploaded/);
  });
});
