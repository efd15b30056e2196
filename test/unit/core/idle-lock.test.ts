// Lock on idle: after the chosen minutes without a contract call, never under a running
// job, never when set to 0; and settings persist and survive a damaged file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Core } from '../../../main/core/core';
import { dispatch } from '../../../main/core/dispatch';
import { silentLog } from '../../../main/core/log';
import type { Vault } from '../../../main/core/vault/vault';
import { tempHome } from '../../support/temp-home';

/** A test double standing in for an open vault: only close() is used by locking. */
function fakeVault(): Vault & { wasClosed: boolean } {
  const v = { wasClosed: false, close() { v.wasClosed = true; } };
  return v as unknown as Vault & { wasClosed: boolean };
}

describe('idle lock and settings', () => {
  let home: ReturnType<typeof tempHome>;
  let now: number;
  let core: Core;
  beforeEach(() => {
    home = tempHome();
    now = 1_000_000;
    core = new Core({ dataFolder: home.path, hostKind: 'cli', log: silentLog, clock: { now: () => now } });
  });
  afterEach(async () => {
    await core.close();
    home.remove();
  });

  it('locks after the idle time and emits vault.changed', async () => {
    const v = fakeVault();
    core.vault = v;
    const events: string[] = [];
    core.events.subscribe((e) => events.push(`${e.name}:${JSON.stringify(e.payload)}`));
    now += 14 * 60_000;
    expect(await core.lockIfIdle()).toBe(false);
    await dispatch(core, 'jobs.list', {});
    now += 14 * 60_000;
    expect(await core.lockIfIdle()).toBe(false);
    now += 2 * 60_000;
    expect(await core.lockIfIdle()).toBe(true);
    expect(core.vault).toBeNull();
    expect(v.wasClosed).toBe(true);
    expect(events).toContain('vault.changed:{"state":"locked"}');
  });

  it('does not lock under a running job', async () => {
    core.vault = fakeVault();
    let release!: () => void;
    const { result } = core.jobs.start({ kind: 't', title: 'Long work', run: () => new Promise<void>((r) => (release = r)) });
    now += 60 * 60_000;
    expect(await core.lockIfIdle()).toBe(false);
    release();
    await result;
    expect(await core.lockIfIdle()).toBe(true);
  });

  it('never locks when auto-lock is off, and keeps the setting across restarts', async () => {
    const r = await dispatch(core, 'settings.update', { autoLockMinutes: 0 });
    expect(r).toEqual({ ok: true, value: { autoLockMinutes: 0, phoneGateway: false } });
    core.vault = fakeVault();
    now += 24 * 3600_000;
    expect(await core.lockIfIdle()).toBe(false);
    const again = new Core({ dataFolder: home.path, hostKind: 'cli', log: silentLog });
    expect(again.settings.get().autoLockMinutes).toBe(0);
    await again.close();
  });

  it('refuses out-of-range settings and falls back to defaults on a damaged file', async () => {
    expect(await dispatch(core, 'settings.update', { autoLockMinutes: -5 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    writeFileSync(join(home.path, 'settings.json'), '{not json');
    const again = new Core({ dataFolder: home.path, hostKind: 'cli', log: silentLog });
    expect(again.settings.get()).toEqual({ autoLockMinutes: 15, phoneGateway: false });
    await again.close();
  });
});
