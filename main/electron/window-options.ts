// The one place the main window's options are decided (STYLE example 6). A security test
// reads them back: sandbox, context isolation, no Node anywhere, web security on, no
// <webview>, DevTools only in development. createMainWindow() in main.ts uses exactly this.
import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowBounds } from './window-state';

export interface MainWindowOptionsInput {
  /** Absolute path of the bundled preload (dist/electron/preload.cjs). */
  preloadPath: string;
  /** Remembered size and position, already fitted to the current displays. */
  bounds?: WindowBounds | undefined;
  /** app.isPackaged: DevTools are off in packaged builds (audit item 34). */
  isPackaged: boolean;
  /** Window icon (Linux and Windows; macOS uses the bundle icon). */
  iconPath?: string | undefined;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 };
export const MIN_SIZE = { width: 880, height: 560 };

export function mainWindowOptions(input: MainWindowOptionsInput): BrowserWindowConstructorOptions {
  const b = input.bounds;
  return {
    title: 'Keepsake',
    width: b?.width ?? DEFAULT_SIZE.width,
    height: b?.height ?? DEFAULT_SIZE.height,
    ...(b && b.x !== undefined && b.y !== undefined ? { x: b.x, y: b.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#f6f5f2',
    autoHideMenuBar: false,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: !input.isPackaged,
    },
  };
}
