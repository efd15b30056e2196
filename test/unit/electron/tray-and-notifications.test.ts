// Tray status/menu and job notifications are pure data; these tests read them back.
import { describe, expect, it } from 'vitest';
import type { JobInfo } from '../../../common/contract/jobs';
import { methodNames } from '../../../common/contract';
import { appMenuTemplate } from '../../../main/electron/app-menu';
import { LONG_JOB_MS, createJobNotifier, jobNotification } from '../../../main/electron/notifications';
import { findSyncMethod, syncStatus, trayMenuTemplate, trayStatus, trayTooltip, type TrayActions } from '../../../main/electron/tray-menu';

function job(over: Partial<JobInfo> = {}): JobInfo {
  return {
    id: 'job-000001',
    kind: 'import',
    title: 'Import 3 files',
    state: 'running',
    phase: 'Reading',
    done: 1,
    total: 4,
    bytesDone: 0,
    bytesTotal: null,
    etaSeconds: null,
    startedAt: 1_000,
    finishedAt: null,
    canPause: true,
    error: null,
    summary: null,
    ...over,
  };
}

function actions() {
  const calls: string[] = [];
  const a: TrayActions = { open: () => calls.push('open'), syncNow: () => calls.push('sync'), lock: () => calls.push('lock'), quit: () => calls.push('quit') };
  return { a, calls };
}

describe('tray', () => {
  it('says what is happening in plain words', () => {
    expect(trayStatus({ vaultState: 'missing', activeJobs: [], syncMethod: null })).toBe('No vault yet');
    expect(trayStatus({ vaultState: 'locked', activeJobs: [], syncMethod: null })).toBe('Vault locked');
    expect(trayStatus({ vaultState: 'unlocked', activeJobs: [], syncMethod: null })).toBe('Vault unlocked');
    expect(trayStatus({ vaultState: 'unlocked', activeJobs: [], syncMethod: 'cloud.sync', cloud: [], now: 0 })).toBe('No cloud copy yet');
    expect(trayStatus({ vaultState: 'unlocked', activeJobs: [job()], syncMethod: null })).toBe('Import 3 files — 25%');
    expect(trayStatus({ vaultState: 'unlocked', activeJobs: [job(), job({ id: 'job-000002' })], syncMethod: null })).toBe('2 tasks running');
    expect(trayStatus({ vaultState: 'unlocked', activeJobs: [job({ state: 'paused' })], syncMethod: null })).toBe('Paused');
    expect(trayTooltip({ vaultState: 'locked', activeJobs: [], syncMethod: null })).toBe('Keepsake — Vault locked');
  });

  it('states the cloud sync state honestly: failures first, then never-synced, then the oldest success', () => {
    const now = 10 * 3_600_000;
    const ok = (label: string, at: number) => ({ label, health: { lastSuccessAt: at, lastAttemptAt: at, lastError: null } });
    expect(syncStatus([ok('NAS', now - 5 * 60_000)], now)).toBe('Synced to NAS 5 min ago');
    expect(syncStatus([ok('NAS', now - 5 * 60_000), ok('B2', now - 3 * 3_600_000)], now)).toBe('Synced to 2 targets 3 h ago');
    expect(syncStatus([ok('NAS', now), { label: 'B2', health: { lastSuccessAt: null, lastAttemptAt: null, lastError: null } }], now)).toBe('B2: not synced yet');
    const failing = { label: 'B2', health: { lastSuccessAt: now - 86_400_000, lastAttemptAt: now - 60_000, lastError: 'Network' } };
    expect(syncStatus([ok('NAS', now), failing], now)).toBe('Sync to B2 failed');
    // An error that a later success cleared does not count.
    expect(syncStatus([{ label: 'B2', health: { lastSuccessAt: now, lastAttemptAt: now - 60_000, lastError: 'old' } }], now)).toBe('Synced to B2 just now');
    expect(trayStatus({ vaultState: 'unlocked', activeJobs: [], syncMethod: 'cloud.sync', cloud: [failing], now })).toBe('Sync to B2 failed');
  });

  it('offers open, sync now, lock and quit, enabled only when they can work', () => {
    const { a, calls } = actions();
    const locked = trayMenuTemplate({ vaultState: 'locked', activeJobs: [], syncMethod: 'cloud.sync' }, a);
    const byLabel = (items: typeof locked, l: string) => items.find((i) => i.label === l);
    expect(locked.map((i) => i.label ?? i.type)).toEqual(['Vault locked', 'separator', 'Open Keepsake', 'Sync now', 'Lock vault', 'separator', 'Quit Keepsake']);
    expect(byLabel(locked, 'Sync now')?.enabled).toBe(false);
    expect(byLabel(locked, 'Lock vault')?.enabled).toBe(false);
    const open = trayMenuTemplate({ vaultState: 'unlocked', activeJobs: [], syncMethod: 'cloud.sync' }, a);
    expect(byLabel(open, 'Sync now')?.enabled).toBe(true);
    expect(byLabel(open, 'Lock vault')?.enabled).toBe(true);
    expect(byLabel(trayMenuTemplate({ vaultState: 'unlocked', activeJobs: [], syncMethod: null }, a), 'Sync now')?.enabled).toBe(false);
    for (const item of open) (item.click as (() => void) | undefined)?.();
    expect(calls).toEqual(['open', 'sync', 'lock', 'quit']);
  });

  it('finds a sync method only if the contract has one', () => {
    expect(findSyncMethod(['app.about', 'cloud.sync'])).toBe('cloud.sync');
    expect(findSyncMethod(['app.about'])).toBeNull();
    expect(findSyncMethod(['backup.run', 'sync.now'])).toBe('sync.now');
    // Whatever today's contract holds, the tray only ever names a method that exists.
    const found = findSyncMethod(methodNames);
    if (found !== null) expect(methodNames).toContain(found);
  });
});

describe('job notifications', () => {
  it('announces long jobs that finished or were cancelled, and every failure', () => {
    const long = { startedAt: 0, finishedAt: LONG_JOB_MS + 1 };
    expect(jobNotification(job({ ...long, state: 'succeeded', summary: 'Imported 3 items' }))).toEqual({ title: 'Import 3 files finished', body: 'Imported 3 items' });
    expect(jobNotification(job({ ...long, state: 'cancelled' }))?.title).toBe('Import 3 files was cancelled');
    expect(jobNotification(job({ startedAt: 0, finishedAt: 5, state: 'failed', error: { code: 'IO', message: 'The disk is full.' } }))).toEqual({ title: 'Import 3 files failed', body: 'The disk is full.' });
  });

  it('stays quiet for running jobs and quick successes', () => {
    expect(jobNotification(job())).toBeNull();
    expect(jobNotification(job({ startedAt: 0, finishedAt: 500, state: 'succeeded' }))).toBeNull();
  });

  it('notifies once per job even when the final event repeats', () => {
    const shown: string[] = [];
    const notify = createJobNotifier((t) => shown.push(t.title));
    const done = job({ startedAt: 0, finishedAt: LONG_JOB_MS * 2, state: 'succeeded' });
    notify(job());
    notify(done);
    notify(done);
    notify({ ...done, id: 'job-000002' });
    expect(shown).toEqual(['Import 3 files finished', 'Import 3 files finished']);
  });
});

describe('application menu', () => {
  const noop = { showAbout: () => undefined, lock: () => undefined };
  const roles = (t: ReturnType<typeof appMenuTemplate>): string[] =>
    t.flatMap((i) => [String(i.role ?? i.label), ...(Array.isArray(i.submenu) ? i.submenu.map((s) => String(s.role ?? s.label ?? s.type)) : [])]);

  it('has the usual roles, and DevTools only in development', () => {
    const packaged = roles(appMenuTemplate({ platform: 'linux', isPackaged: true, ...noop }));
    expect(packaged).toEqual(expect.arrayContaining(['File', 'editMenu', 'View', 'windowMenu', 'help', 'quit', 'zoomIn', 'togglefullscreen']));
    expect(packaged).not.toContain('toggleDevTools');
    expect(roles(appMenuTemplate({ platform: 'linux', isPackaged: false, ...noop }))).toContain('toggleDevTools');
  });

  it('has the macOS app menu on macOS only', () => {
    expect(roles(appMenuTemplate({ platform: 'darwin', isPackaged: true, ...noop }))).toEqual(expect.arrayContaining(['appMenu', 'about', 'hide', 'close']));
    expect(roles(appMenuTemplate({ platform: 'win32', isPackaged: true, ...noop }))).not.toContain('appMenu');
  });
});
