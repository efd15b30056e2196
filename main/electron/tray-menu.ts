// The tray icon's tooltip and menu, as pure data: the sync state in words, then the quick
// actions (open Keepsake, sync now, lock the vault, quit). Actions call contract methods
// through dispatch like any other host; "Sync now" is offered only when the contract has a
// sync method, so the tray never shows an action that cannot work.
import type { MenuItemConstructorOptions } from 'electron';
import type { JobInfo } from '../../common/contract/jobs';
import type { VaultState } from '../../common/domain';

export interface TrayState {
  vaultState: VaultState;
  /** Jobs that are queued, running or paused. */
  activeJobs: JobInfo[];
  /** The contract method that syncs now, when one exists. */
  syncMethod: string | null;
  /** Each cloud target's health (cloud.health), when known. */
  cloud?: CloudHealth[] | undefined;
  /** Now, for "synced 5 minutes ago". */
  now?: number | undefined;
}

/** The fields of cloud.health's answer the tray reads. */
export interface CloudHealth {
  label: string;
  health: { lastSuccessAt: number | null; lastAttemptAt: number | null; lastError: string | null };
}

/** The sync state in a few words: failing first, then never synced, then the oldest success. */
export function syncStatus(targets: readonly CloudHealth[], now: number): string {
  if (targets.length === 0) return 'No cloud copy yet';
  const failing = targets.find((t) => t.health.lastError !== null && (t.health.lastSuccessAt ?? 0) < (t.health.lastAttemptAt ?? 0));
  if (failing) return `Sync to ${failing.label} failed`;
  const never = targets.find((t) => t.health.lastSuccessAt === null);
  if (never) return `${never.label}: not synced yet`;
  const oldest = Math.min(...targets.map((t) => t.health.lastSuccessAt ?? now));
  const where = targets.length === 1 ? (targets[0]?.label ?? '') : `${targets.length} targets`;
  return `Synced to ${where} ${ago(now - oldest)}`;
}

function ago(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export interface TrayActions {
  open(): void;
  syncNow(): void;
  lock(): void;
  quit(): void;
}

/** One plain line for the tooltip and the menu's first (disabled) row. */
export function trayStatus(state: TrayState): string {
  const running = state.activeJobs.filter((j) => j.state === 'running' || j.state === 'queued');
  if (running.length === 1 && running[0]) {
    const j = running[0];
    const pct = j.total ? ` — ${Math.floor((100 * j.done) / j.total)}%` : '';
    return `${j.title}${pct}`;
  }
  if (running.length > 1) return `${running.length} tasks running`;
  if (state.activeJobs.some((j) => j.state === 'paused')) return 'Paused';
  switch (state.vaultState) {
    case 'missing':
      return 'No vault yet';
    case 'locked':
      return 'Vault locked';
    default:
      return state.cloud ? syncStatus(state.cloud, state.now ?? Date.now()) : 'Vault unlocked';
  }
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const busy = state.activeJobs.some((j) => j.state === 'running' || j.state === 'queued');
  return [
    { label: trayStatus(state), enabled: false },
    { type: 'separator' },
    { label: 'Open Keepsake', click: () => actions.open() },
    {
      label: 'Sync now',
      enabled: state.syncMethod !== null && state.vaultState === 'unlocked' && !busy,
      click: () => actions.syncNow(),
    },
    { label: 'Lock vault', enabled: state.vaultState === 'unlocked', click: () => actions.lock() },
    { type: 'separator' },
    { label: 'Quit Keepsake', click: () => actions.quit() },
  ];
}

/** The tooltip: product name and the status line. */
export function trayTooltip(state: TrayState): string {
  return `Keepsake — ${trayStatus(state)}`;
}

/** Method names later issues may give "sync everything now", in order of preference. */
export const SYNC_METHOD_CANDIDATES = ['sync.now', 'cloud.sync', 'backup.run', 'cloud.backup'] as const;

export function findSyncMethod(methodNames: readonly string[]): string | null {
  return SYNC_METHOD_CANDIDATES.find((m) => methodNames.includes(m)) ?? null;
}
