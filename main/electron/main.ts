// The Electron host: the only code in Keepsake that imports 'electron' besides the
// preload. It composes the pure pieces in this folder — locked window options, app:// and
// vault:// protocols, deny-all permissions, navigation guards, the checked IPC surface,
// the safeStorage key store, tray, notifications, menu and remembered window bounds —
// around one Core. Bundled to dist/electron/main.cjs by scripts/build-electron.mjs.
import { BrowserWindow, Menu, Notification, app, dialog, ipcMain, protocol, safeStorage, screen, session, shell } from 'electron';
import { join } from 'node:path';
import { Core } from '../core/core';
import { dispatch } from '../core/dispatch';
import { defaultDataFolder, ensurePrivateDir } from '../core/paths';
import { appMenuTemplate } from './app-menu';
import { createAppProtocolHandler } from './app-protocol';
import { createDesktopTray } from './desktop-tray';
import { electronDialogs } from './electron-dialogs';
import { externalLinkTarget } from './external-links';
import { hardenWebContents } from './harden';
import { forwardEvents, registerIpc } from './ipc';
import { createJobNotifier } from './notifications';
import { APP_INDEX_URL, APP_SCHEME, VAULT_SCHEME } from './origin';
import { denyAllPermissions } from './permissions';
import { SafeStorageKeyStore } from './safe-storage-key-store';
import { forbiddenSwitchesIn } from './switches';
import { createVaultProtocolHandler } from './vault-protocol';
import { mainWindowOptions } from './window-options';
import { fitToDisplays, loadWindowState, saveWindowState } from './window-state';

const dataFolder = ensurePrivateDir(defaultDataFolder());
let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;

function openExternal(url: string): void {
  // Callers pass already-checked targets; checking again here keeps the rule in one
  // place should a new caller forget (audit item 15).
  const target = externalLinkTarget(url);
  if (target) void shell.openExternal(target);
}

function boot(): void {
  const forbidden = forbiddenSwitchesIn(process.argv);
  if (app.isPackaged && forbidden.length > 0) {
    process.stderr.write(`Keepsake refuses to start with ${forbidden.map((s) => `--${s}`).join(', ')}.\n`);
    app.exit(1);
    return;
  }
  // Chromium's own profile (caches, cookies) lives inside the owner-only data folder, so
  // KEEPSAKE_HOME isolates everything and nothing is written beside it.
  app.setPath('userData', ensurePrivateDir(join(dataFolder, 'chromium')));
  // Windows shows notifications only for an app whose AppUserModelID matches the installer's appId.
  if (process.platform === 'win32') app.setAppUserModelId('app.keepsake.desktop');

  if (!app.requestSingleInstanceLock()) {
    // Another Keepsake already has this data folder: it focuses its window (below).
    app.exit(0);
    return;
  }
  app.on('second-instance', () => showMainWindow()); // argv is ignored on purpose: no deep links.

  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    { scheme: VAULT_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));
  app.on('session-created', (created) => denyAllPermissions(created));
  app.on('window-all-closed', onAllWindowsClosed);
  app.on('activate', () => showMainWindow());
  app.on('before-quit', onBeforeQuit);
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => fatal(e));
}

function start(): void {
  const c = new Core({
    dataFolder,
    hostKind: 'electron',
    keyStore: new SafeStorageKeyStore(safeStorage),
    dialogs: electronDialogs(
      {
        // Modal to the main window when it exists.
        showOpenDialog: (o) => (mainWindow && !mainWindow.isDestroyed() ? dialog.showOpenDialog(mainWindow, o) : dialog.showOpenDialog(o)),
        showSaveDialog: (o) => (mainWindow && !mainWindow.isDestroyed() ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o)),
      },
      () => app.getPath('documents'),
    ),
  });
  core = c;
  denyAllPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(join(app.getAppPath(), 'dist', 'renderer')));
  protocol.handle(VAULT_SCHEME, createVaultProtocolHandler(c));
  registerIpc(ipcMain, c);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({ platform: process.platform, isPackaged: app.isPackaged, showAbout: () => void showAbout(c), lock: () => void dispatch(c, 'vault.lock', {}) }),
    ),
  );
  const notify = createJobNotifier(({ title, body }) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  });
  c.events.subscribe((event) => {
    if (event.name === 'job.progressed') notify(event.payload);
  });
  try {
    createDesktopTray(c, join(app.getAppPath(), 'resources', trayIconName()), { open: showMainWindow, quit: () => app.quit() });
  } catch (e) {
    // A desktop without a tray area still gets the window, menu and notifications.
    c.log.warn('electron.tray_unavailable', { error: e instanceof Error ? e.message : String(e) });
  }
  c.log.info('electron.started', { packaged: app.isPackaged });
  showMainWindow();
}

/** The one window factory: options come from mainWindowOptions(), which a test reads back. */
export function createMainWindow(c: Core): BrowserWindow {
  const remembered = loadWindowState(c.dataFolder);
  const bounds = fitToDisplays(
    remembered,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow(
    mainWindowOptions({
      preloadPath: join(__dirname, 'preload.cjs'),
      bounds,
      isPackaged: app.isPackaged,
      iconPath: join(app.getAppPath(), 'resources', 'icon.png'),
    }),
  );
  if (bounds?.maximized) win.maximize();
  const stopEvents = forwardEvents(c, win.webContents);
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    try {
      saveWindowState(c.dataFolder, { ...win.getNormalBounds(), maximized: win.isMaximized() });
    } catch (e) {
      c.log.warn('electron.window_state_not_saved', { error: e instanceof Error ? e.message : String(e) });
    }
  });
  win.on('closed', () => {
    stopEvents();
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_INDEX_URL);
  return win;
}

function showMainWindow(): void {
  if (!core) return;
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createMainWindow(core);
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function onAllWindowsClosed(): void {
  // A long job keeps running in the tray; otherwise closing the window quits (not on
  // macOS, where apps stay in the dock by convention).
  const busy = core?.jobs.list().some((j) => j.state === 'running' || j.state === 'queued' || j.state === 'paused') ?? false;
  if (busy) {
    if (Notification.isSupported()) new Notification({ title: 'Keepsake is still working', body: 'It keeps going in the tray and tells you when it is done.' }).show();
    return;
  }
  if (process.platform !== 'darwin') app.quit();
}

let closed = false;
/** Holds the quit until core has stopped its jobs and closed the vault (keys dropped). */
function onBeforeQuit(event: Electron.Event): void {
  if (closed || !core) return;
  event.preventDefault();
  const c = core;
  void c.close().finally(() => {
    closed = true;
    app.quit();
  });
}

/** Help → About: the same app.about facts the Settings screen shows, in a native dialog. */
async function showAbout(c: Core): Promise<void> {
  const r = await dispatch(c, 'app.about', {});
  if (!r.ok) return;
  const about = r.value as { version: string; dataFolder: string; vaultState: string };
  await dialog.showMessageBox({
    type: 'info',
    title: 'About Keepsake',
    message: `Keepsake ${about.version}`,
    detail: `Data folder: ${about.dataFolder}\nVault: ${about.vaultState}`,
    buttons: ['OK'],
  });
}

function trayIconName(): string {
  return process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
}

function fatal(e: unknown): void {
  core?.log.error('electron.fatal', { error: e instanceof Error ? e.message : String(e) });
  process.stderr.write(`Keepsake could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  app.exit(1);
}

boot();
