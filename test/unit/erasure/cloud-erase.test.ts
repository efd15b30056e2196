// Row 40 with the cloud: item X (with a canary) is mirrored to a target, several index
// copies go up, X is erased. Adversary A holds the recovery key, the passphrase, the local
// data folder and every object the target still lists: rebuilding the vault from them
// does not bring X back, and nothing decrypts to X's canary or key. Adversary B holds every
// object ever uploaded but no key: no plaintext of X in any of them. Items that shared
// nothing with X still restore. The receipt names the target.
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { collectGarbage } from '../../../main/core/cloud/mirror/gc';
import { restoreVault } from '../../../main/core/cloud/mirror/restore';
import { mirrorSourceOf } from '../../../main/core/cloud/mirror/source';
import { cloudStore } from '../../../main/core/cloud/service';
import { buildTarget } from '../../../main/core/cloud/target-config';
import { silentLog } from '../../../main/core/log';
import { configureReverify } from '../../../main/core/security/reverify';
import { Vault } from '../../../main/core/vault/vault';
import type { NewItem } from '../../../main/core/vault/types';
import { newVault, PASS, pseudoRandom, readAll, SMALL_CHUNKS, tempDir } from '../vault/helpers';

const CANARY = 'CLOUDCANARY-41c9-ERASE';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test shorthand: results are checked field by field below
async function call(core: Core, method: string, input: unknown): Promise<any> {
  const r = await dispatch(core, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

async function finish(core: Core, id: string): Promise<void> {
  while (!core.jobs.get(id).finishedAt) await new Promise((r) => setTimeout(r, 20));
  const job = core.jobs.get(id);
  if (job.state !== 'succeeded') throw new Error(`${job.kind} ${job.state}: ${job.error?.message}`);
}

describe('erasure reaches the cloud (row 40)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: Core;
  let recoveryKey: string;
  const xBytes = Buffer.concat([Buffer.from(CANARY), pseudoRandom(120_000, 41)]);
  const yBytes = pseudoRandom(130_000, 42);

  beforeEach(async () => {
    tmp = tempDir('ks-cloud-erase-');
    mkdirSync(join(tmp.dir, 'cloud'));
    mkdirSync(join(tmp.dir, 'ever'));
    core = new Core({ dataFolder: join(tmp.dir, 'data'), hostKind: 'cli', log: silentLog });
    const created = await newVault(core.dataFolder, { chunker: SMALL_CHUNKS, workers: false });
    core.vault = created.vault;
    recoveryKey = created.recoveryKey;
    configureReverify(core, { kdf: { fastKdfForTests: true } });
  });
  afterEach(async () => {
    await core.close();
    tmp.cleanup();
  });

  it('leaves nothing of X recoverable from what the cloud still lists, or from anything ever uploaded', async () => {
    const vault = core.vault!;
    const item = (key: string, text: string, bytes: Buffer): NewItem => ({ category: 'photo', sourceKey: key, title: key, text, fields: {}, personal: true, files: [{ role: 'original', name: `${key}.jpg`, mime: 'image/jpeg', data: bytes }] });
    const [x] = await vault.putItems([item('x', `secret ${CANARY}`, xBytes)]);
    const { target } = await call(core, 'cloud.addTarget', { settings: { kind: 'folder', path: join(tmp.dir, 'cloud') } });
    const everUploaded = (): void => cpSync(join(tmp.dir, 'cloud'), join(tmp.dir, 'ever'), { recursive: true });
    await finish(core, (await call(core, 'cloud.sync', {})).id);
    everUploaded();
    const [y] = await vault.putItems([item('y', 'an ordinary photo', yBytes)]);
    await finish(core, (await call(core, 'cloud.sync', {})).id); // a second index copy goes up
    everUploaded();

    const preview = await call(core, 'erase.preview', { selection: { itemIds: [x!.id] } });
    expect(preview.locations.map((l: { kind: string }) => l.kind)).toContain('cloud');
    await call(core, 'security.verifyIdentity', { passphrase: PASS });
    await finish(core, (await call(core, 'erase.start', { itemIds: [x!.id], scope: 'photo x' })).id);
    everUploaded();
    const [receipt] = await call(core, 'receipts.list', {});
    expect(receipt.locations).toContainEqual(expect.objectContaining({ location: target.label, kind: 'cloud', outcome: 'erased' }));

    // Nothing the cloud still lists is an old copy: every object is needed by the newest
    // manifest (old packs and old index segments, which held X's wrapped key, are gone).
    const check = buildTarget({ kind: 'folder', path: join(tmp.dir, 'cloud') }, {});
    const source = mirrorSourceOf(vault);
    const gc = await collectGarbage({ targetId: target.id, target: check.target, store: cloudStore(vault, () => Date.now()), vaultId: vault.id, cloudKey: source.cloudKey, safetyMarginMs: 0 });
    await check.target.close();
    expect(gc.deleted).toBe(0);
    expect(gc.listed).toBe(gc.referenced);

    // Adversary B: every object ever uploaded, no key.
    for (const f of walk(join(tmp.dir, 'ever'))) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(CANARY)), f).toBe(false);
      expect(bytes.includes(xBytes.subarray(50_000, 50_064)), f).toBe(false);
    }

    // Adversary A: recovery key + passphrase + everything the target still lists.
    const rebuilt = join(tmp.dir, 'rebuilt');
    const built = buildTarget({ kind: 'folder', path: join(tmp.dir, 'cloud') }, {});
    await restoreVault(rebuilt, built.target, recoveryKey, { fastKdfForTests: true });
    await built.target.close();
    const restored = await Vault.open(rebuilt, { passphrase: PASS }, { fastKdfForTests: true, workers: false });
    try {
      expect(restored.getItem(x!.id)).toBeNull();
      expect(restored.search(CANARY)).toEqual([]);
      expect((await readAll(restored.readFile(y!.id, 'original'))).equals(yBytes)).toBe(true);
      expect(restored.indexDb.prepare('SELECT count(*) AS n FROM items WHERE id = ?').get(x!.id)).toEqual({ n: 0 });
    } finally {
      restored.close();
    }
  }, 120_000);
});
