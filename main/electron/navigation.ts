// Navigation, redirect, new-window and <webview> guards for every webContents (audit
// items 11–14, RELIABILITY row 45). The page may only ever show app://app/…; a subframe
// may additionally be about:blank or about:srcdoc (the sandboxed e-mail viewer). Every
// new window is denied; a link the user clicked that passes the external allowlist is
// handed to the system browser instead. Handlers are plain functions so tests can drive
// them with mocked events.
import { externalLinkTarget } from './external-links';
import { isAppUrl } from './origin';

/** What Electron passes to will-navigate / will-frame-navigate / will-redirect. */
export interface NavigationEvent {
  url: string;
  isMainFrame: boolean;
  preventDefault(): void;
}

export type OpenExternal = (url: string) => void;

const SUBFRAME_DOCUMENTS = new Set(['about:blank', 'about:srcdoc']);

export function navigationAllowed(url: unknown, isMainFrame: boolean): boolean {
  if (isAppUrl(url)) return true;
  return !isMainFrame && typeof url === 'string' && SUBFRAME_DOCUMENTS.has(url);
}

/**
 * will-navigate and will-frame-navigate: refuse anything that is not ours. A refused
 * main-frame navigation to an allowed external link opens it in the system browser.
 */
export function guardNavigation(event: NavigationEvent, openExternal: OpenExternal): void {
  if (navigationAllowed(event.url, event.isMainFrame)) return;
  event.preventDefault();
  const target = event.isMainFrame ? externalLinkTarget(event.url) : null;
  if (target) openExternal(target);
}

/** will-redirect: a redirect can only stay inside the app; it never opens anything. */
export function guardRedirect(event: NavigationEvent): void {
  if (!navigationAllowed(event.url, event.isMainFrame)) event.preventDefault();
}

/** setWindowOpenHandler: always deny; allowed external links go to the system browser. */
export function windowOpenHandler(openExternal: OpenExternal): (details: { url: string }) => { action: 'deny' } {
  return (details) => {
    const target = externalLinkTarget(details.url);
    if (target) openExternal(target);
    return { action: 'deny' };
  };
}

/** will-attach-webview: Keepsake never uses <webview> (webviewTag:false); refuse any attempt. */
export function refuseWebview(event: { preventDefault(): void }): void {
  event.preventDefault();
}
