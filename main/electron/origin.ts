// The desktop app's own origin. The renderer is served from app://app/ and media from
// vault://media/<id>; everything that decides "is this ours?" (IPC sender check,
// navigation guards, event forwarding) goes through isAppUrl so there is one answer.
// Node's URL reports origin "null" for custom schemes, so we compare protocol and host.

export const APP_SCHEME = 'app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;
export const VAULT_SCHEME = 'vault';

/** Parses with new URL(); null when the text is not a URL at all. */
export function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True only for app://app/… with no credentials and no port. */
export function isAppUrl(raw: unknown): boolean {
  const url = parseUrl(raw);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}
