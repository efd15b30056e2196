// vault.* through dispatch (the path every host uses): create → stats → check job → lock
// → unlock with the passphrase and with the recovery key; wrong passphrase vs a damaged
// key file are told apart (RELIABILITY row 36); vault.changed is emitted.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let core: Core;
beforeEach(() => {
  t = tempDir();
  core = new Core({ dataFolder: t.dir, hostKind: 'cli' });
});
afterEach(async () => {
  await core.close();
  t.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- results of several methods are read loosely in one helper
const call = async (method: string, input: unknown = {}): Promise<{ ok: boolean; value?: any; error?: { code: string; message: string } }> => dispatch(core, method, input) as never;

describe('vault handlers', () => {
  it('create, stats, check job, lock, unlock by passphrase and recovery key', async () => {
    const states: string[] = [];
    core.events.subscribe((e) => {
      if (e.name === 'vault.changed') states.push(e.payload.state);
    });
    expect((await call('vault.stats')).error?.code).toBe('VAULT_LOCKED');
    const created = await call('vault.create', { passphrase: 'a long enough passphrase' });
    expect(created.ok).toBe(true);
    const recoveryKey = created.value.recoveryKey as string;
    expect((await call('vault.create', { passphrase: 'again' })).error?.code).toBe('CONFLICT');
    await core.vault!.putItems([{ category: 'note', sourceKey: 'n', text: 'hello', fields: {}, personal: true }]);
    const stats = await call('vault.stats');
    expect(stats.value).toMatchObject({ items: 1, byCategory: { note: 1 } });
    const job = await call('vault.check', { readData: true });
    expect(job.value.kind).toBe('vault.check');
    for (let i = 0; i < 100 && core.jobs.get(job.value.id).state === 'running'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(core.jobs.get(job.value.id)).toMatchObject({ state: 'succeeded' });
    expect((await call('vault.check', { subset: 'x' })).error?.code).toBe('BAD_INPUT');
    expect((await call('vault.lock')).value).toEqual({ state: 'locked' });
    expect(core.vault).toBeNull();
    expect((await call('vault.unlock', { passphrase: 'wrong passphrase' })).error?.code).toBe('WRONG_PASSPHRASE');
    expect((await call('vault.unlock', { recoveryKey })).value).toEqual({ state: 'unlocked' });
    expect(core.vault!.stats().items).toBe(1);
    expect(states).toEqual(['unlocked', 'locked', 'unlocked']);
  });

  it('a damaged key file is CORRUPT, not a wrong passphrase', async () => {
    await call('vault.create', { passphrase: 'a long enough passphrase' });
    await call('vault.lock');
    const slots = join(t.dir, 'vault', 'keyslots.json');
    const json = JSON.parse(readFileSync(slots, 'utf8'));
    const text = JSON.stringify(json);
    // flip one character inside the first base64 value that is long enough to be key material
    const m = /"([A-Za-z0-9+/_-]{40,})"/.exec(text)!;
    const flipped = m[1]!.slice(0, 10) + (m[1]![10] === 'A' ? 'B' : 'A') + m[1]!.slice(11);
    writeFileSync(slots, text.replace(m[1]!, flipped));
    const r = await call('vault.unlock', { passphrase: 'a long enough passphrase' });
    expect(r.error?.code).toBe('CORRUPT');
  });
});
