// Non-personal information and the combination rule: a device linked to personal items is
// treated as personal; non-personal items are counted; nothing is marked as leaving.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nonPersonalReport } from '../../../main/core/privacy/non-personal';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, tempDir } from '../vault/helpers';

describe('non-personal information', () => {
  let tmp: ReturnType<typeof tempDir>;
  let vault: Vault;
  beforeEach(async () => {
    tmp = tempDir('ks-nonpersonal-');
    vault = (await newVault(tmp.dir, { workers: false })).vault;
  });
  afterEach(() => {
    vault.close();
    tmp.cleanup();
  });

  it('applies the combination rule and counts non-personal items', async () => {
    const empty = nonPersonalReport(vault.indexDb, '1.2.3');
    expect(empty.devices).toEqual([expect.objectContaining({ name: 'This computer', treatedAs: 'non-personal', linkedPersonalItems: 0 })]);
    await vault.putItems([
      { category: 'message', sourceKey: 'm1', text: 'hello', fields: {}, personal: true },
      { category: 'file', sourceKey: 'stats', title: 'app usage statistics', fields: {}, personal: false },
    ]);
    const r = nonPersonalReport(vault.indexDb, '1.2.3');
    expect(r.appVersion).toBe('1.2.3');
    expect(r.leavesComputer).toBe(false);
    expect(r.devices).toEqual([expect.objectContaining({ name: 'This computer', treatedAs: 'personal', linkedPersonalItems: 1 })]);
    expect(r.nonPersonalItems).toEqual([{ category: 'file', count: 1 }]);
    expect(r.statistics.map((s) => s.what)).toContain('Snapshots taken');
  });
});
