// The tray icon: shows the sync state in its tooltip and first menu row, and offers the
// quick actions. It rebuilds its menu only when what it shows changes, so a busy job's
// progress events do not churn native menus many times a second.
import { Menu, Tray, nativeImage } from 'electron';
import { isMethodName, methodNames } from '../../common/contract';
import type { Core } from '../core/core';
import { dispatch } from '../core/dispatch';
import { vaultState } from '../core/vault/layout';
import { findSyncMethod, trayMenuTemplate, trayTooltip, type CloudHealth, type TrayActions, type TrayState } from './tray-menu';

export function createDesktopTray(core: Core, iconPath: string, actions: Omit<TrayActions, 'syncNow' | 'lock'>): () => void {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  const syncMethod = findSyncMethod(methodNames);
  const fullActions: TrayActions = {
    ...actions,
    syncNow: () => {
      if (syncMethod) void dispatch(core, syncMethod, {});
    },
    lock: () => void dispatch(core, 'vault.lock', {}),
  };
  let shown = '';
  let cloud: CloudHealth[] | undefined;
  const refresh = (): void => {
    const state: TrayState = {
      vaultState: core.vault ? 'unlocked' : vaultState(core.dataFolder),
      activeJobs: core.jobs.list().filter((j) => j.state === 'queued' || j.state === 'running' || j.state === 'paused'),
      syncMethod,
      cloud: core.vault ? cloud : undefined,
      now: Date.now(),
    };
    const template = trayMenuTemplate(state, fullActions);
    const key = JSON.stringify(template.map((i) => [i.label, i.enabled]));
    if (key === shown) return;
    shown = key;
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(Menu.buildFromTemplate(template));
  };
  // The cloud health line needs the unlocked vault; ask again when anything finishes and
  // once a minute so "synced 5 min ago" stays true.
  const refreshCloud = async (): Promise<void> => {
    if (!core.vault || !isMethodName('cloud.health')) {
      cloud = undefined;
    } else {
      const r = await dispatch(core, 'cloud.health', {});
      cloud = r.ok ? (r.value as CloudHealth[]) : undefined;
    }
    refresh();
  };
  tray.on('click', () => actions.open());
  refresh();
  void refreshCloud();
  const unsubscribe = core.events.subscribe((event) => {
    if (event.name === 'job.progressed' && event.payload.finishedAt === null) refresh();
    else void refreshCloud();
  });
  const timer = setInterval(() => void refreshCloud(), 60_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
    tray.destroy();
  };
}
