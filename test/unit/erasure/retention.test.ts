// Retention rules: previewed when added, off until turned on (with a fresh passphrase),
// run as a job with a 'retention' receipt, daily at most, never erasing held items.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { RetentionRules } from '../../../main/core/erasure/retention';
import { silentLog } from '../../../main/core/log';
import { configureReverify } from '../../../main/core/security/reverify';
import type { NewItem } from '../../../main/core/vault/types';
import { newVault, PASS, tempDir } from '../vault/helpers';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

function shot(n: number, ageDays: number): NewItem {
  return { category: 'screenshot', sourceKey: `shot-${n}`, occurredAt: NOW - ageDays * DAY, title: `Screenshot ${n}`, fields: {}, personal: true };
}

async function call(core: Core, method: string, input: unknown): Promise<unknown> {
  const r = await dispatch(core, method, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

describe('retention rules', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: Core;
  let now = NOW;
  beforeEach(async () => {
    tmp = tempDir('ks-retention-');
    now = NOW;
    core = new Core({ dataFolder: tmp.dir, hostKind: 'cli', log: silentLog, clock: { now: () => now } });
    const { vault } = await newVault(tmp.dir, { workers: false, clock: { now: () => now } });
    core.vault = vault;
    configureReverify(core, { kdf: { fastKdfForTests: true } });
    await vault.putItems([shot(1, 45), shot(2, 31), shot(3, 5), { category: 'photo', sourceKey: 'p', occurredAt: NOW - 400 * DAY, fields: {}, personal: true }]);
  });
  afterEach(async () => {
    await core.close();
    tmp.cleanup();
  });

  it('previews on add and stays off until turned on with a fresh passphrase', async () => {
    const rule = (await call(core, 'retention.add', { category: 'screenshot', olderThanDays: 30 })) as { id: number; enabled: boolean; wouldErase: number };
    expect(rule).toMatchObject({ enabled: false, wouldErase: 2 });
    await core.runDueRetention();
    expect(core.jobs.list()).toHaveLength(0);
    await expect(call(core, 'retention.setEnabled', { id: rule.id, enabled: true })).rejects.toMatchObject({ code: 'REVERIFY' });
    await call(core, 'security.verifyIdentity', { passphrase: PASS });
    expect(await call(core, 'retention.setEnabled', { id: rule.id, enabled: true })).toMatchObject({ enabled: true });
  });

  it('runs due rules as a job with a retention receipt, once a day, skipping held items', async () => {
    const rules = new RetentionRules(core);
    const rule = rules.add('screenshot', 30);
    rules.setEnabled(rule.id, true);
    const held = core.vault!.listItems({ category: 'screenshot' }).find((i) => i.title === 'Screenshot 2')!;
    await call(core, 'holds.add', { itemId: held.id, reason: 'keep' });

    await core.runDueRetention();
    const [job] = core.jobs.list();
    expect(job?.kind).toBe('retention');
    while (!core.jobs.get(job!.id).finishedAt) await new Promise((r) => setTimeout(r, 10));
    expect(core.jobs.get(job!.id)).toMatchObject({ state: 'succeeded', summary: 'Erased 1 item past their retention' });

    const receipts = (await call(core, 'receipts.list', {})) as Array<{ kind: string; counts: Record<string, number>; scope: string }>;
    expect(receipts[0]).toMatchObject({ kind: 'retention', counts: { screenshot: 1 } });
    expect(receipts[0]!.scope).toMatch(/older than 30 days/);
    expect(core.vault!.listItems({ category: 'screenshot' }).map((i) => i.title).sort()).toEqual(['Screenshot 2', 'Screenshot 3']);
    expect(core.vault!.listItems({ category: 'photo' })).toHaveLength(1);

    await core.runDueRetention();
    expect(core.jobs.list()).toHaveLength(1); // ran today already
    now += DAY;
    expect(rules.due().map((r) => r.id)).toEqual([rule.id]);
  });
});
