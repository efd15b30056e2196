// RELIABILITY rows 10 and 11, as figures: packs uploaded through the seeded fault proxy
// (500/503 SlowDown with Retry-After, resets, stalls, truncation, bit-flips both ways) in
// front of s3rver and webdav-server at 30 % toxicity. Afterwards every pack is fetched
// through a clean connection and hashed: a "silent loss" is a pack the published manifest
// claims that is missing or different, or a sync that reported success with one missing.
// 40 packs per server in `npm test`; 500 with KEEPSAKE_RELIABILITY=1. Figures go to
// KEEPSAKE_FIGURES_DIR for scripts/reliability.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../common/errors';
import { deriveCloudKeys, objectName, sha256 } from '../../main/core/cloud/mirror/cloud-crypto';
import { readRemoteManifests } from '../../main/core/cloud/mirror/manifest';
import { syncToTarget } from '../../main/core/cloud/mirror/sync';
import { FaultKinds } from '../support/fault-proxy';
import { startRig } from '../unit/cloud/helpers';
import { fastRetry } from '../unit/cloud/mirror-helpers';
import { syntheticVault } from '../unit/cloud/synthetic-source';
import { recordFigures } from './harness/figures';

const PACKS = process.env.KEEPSAKE_RELIABILITY === '1' ? 500 : 40;
const figures: Array<Record<string, unknown>> = [];
afterAll(() => recordFigures('fault-uploads', figures));

describe('fault-injected uploads', () => {
  it.each(['s3', 'webdav'] as const)(`%s: ${PACKS} packs at 30 percent faults, zero silent losses`, async (kind) => {
    const faults = FaultKinds.filter((k) => !k.startsWith('list-'));
    const rig = await startRig(kind, { proxy: { seed: kind === 's3' ? 31 : 32, toxicity: 0.3, faults, stallMs: 100, retryAfterSeconds: 1 } });
    const sv = syntheticVault(PACKS, 4 * 1024);
    try {
      let claimedSuccess = false;
      let honestFailure = '';
      try {
        await syncToTarget(sv.source, { targetId: sv.targetId, target: rig.target, store: sv.store, retry: { ...fastRetry, attempts: 12 }, concurrency: 4 });
        claimedSuccess = true;
      } catch (e) {
        if (!isKeepsakeError(e)) throw e;
        honestFailure = e.message;
      }
      rig.proxy?.set({ toxicity: 0 });
      const clean = rig.reopen();
      const keys = deriveCloudKeys(sv.source.cloudKey);
      const { newest } = await readRemoteManifests(clean, keys, sv.source.vaultId);
      let verified = 0;
      let silentLosses = 0;
      const claimed = new Set(newest?.packs.map((p) => p.name) ?? []);
      for (const id of sv.packIds) {
        const name = objectName(keys, `pack/${id}`);
        const local = sha256(readFileSync(join(sv.source.packsDir, id.slice(0, 2), `${id}.pack`)));
        const remote = await clean.get(name).then(sha256, () => null);
        if (remote === local) verified++;
        else if (claimedSuccess || claimed.has(name)) silentLosses++;
      }
      await clean.close();
      const injected = Object.entries(rig.proxy?.stats ?? {}).filter(([k]) => k !== 'passed').reduce((n, [, v]) => n + v, 0);
      figures.push({ kind, packs: PACKS, toxicity: 0.3, faultsInjected: injected, requestsPassed: rig.proxy?.stats.passed ?? 0, verified, silentLosses, claimedSuccess, honestFailure });
      expect(injected).toBeGreaterThan(0);
      expect(silentLosses).toBe(0);
      if (claimedSuccess) expect(verified).toBe(PACKS);
      else expect(newest).toBeNull();
    } finally {
      sv.close();
      await rig.close();
    }
  }, 600_000);
});
