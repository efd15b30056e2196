// Attaches the navigation, redirect, window-open and webview guards to a webContents.
// main.ts calls it from app 'web-contents-created', so every webContents (the main window,
// any frame host Chromium creates) gets them, not only the window we made ourselves.
import type { WebContents } from 'electron';
import { guardNavigation, guardRedirect, refuseWebview, windowOpenHandler, type OpenExternal } from './navigation';

/** The slice of WebContents hardenWebContents needs (a test passes an EventEmitter double). */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function hardenWebContents(contents: HardenableContents, openExternal: OpenExternal): void {
  contents.on('will-navigate', (event) => guardNavigation(event, openExternal));
  contents.on('will-frame-navigate', (event) => guardNavigation(event, openExternal));
  contents.on('will-redirect', (event) => guardRedirect(event));
  contents.on('will-attach-webview', (event) => refuseWebview(event));
  contents.setWindowOpenHandler(windowOpenHandler(openExternal));
}
