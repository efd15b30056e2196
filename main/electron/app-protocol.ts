// The app:// protocol: serves the built renderer (dist/renderer) to the main window with
// the strict CSP as a response header, instead of file:// (audit item 18). Path
// containment is enforced on the decoded path: "..", "%2e%2e", encoded slashes or
// backslashes, NUL and absolute paths are refused, and the resolved file must still lie
// under the root after symlinks are followed.
import { realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, sep } from 'node:path';
import { appCsp } from '../../common/csp';
import { APP_HOST, APP_SCHEME, VAULT_SCHEME, parseUrl } from './origin';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The CSP the desktop sends with every app:// response: the shared policy plus vault: media. */
export const DESKTOP_CSP = appCsp([`${VAULT_SCHEME}:`]);

export const APP_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': DESKTOP_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
};

/**
 * Maps an app:// URL to a file path inside root, or null when the URL is not ours or the
 * path would leave root. "/" and extension-less routes map to index.html (the UI routes
 * itself), so a reload on any screen works.
 */
export function resolveAppPath(root: string, rawUrl: string): string | null {
  const url = parseUrl(rawUrl);
  if (!url || url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port || url.username || url.password) return null;
  // Check the raw (still encoded) path first: encoded separators and dots are never needed
  // by our own assets, so their presence alone means someone is probing.
  if (/%2e|%2f|%5c|%00/i.test(url.pathname)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.includes('//')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || /^[A-Za-z]:/.test(s))) return null;
  const rel = segments.join('/');
  if (isAbsolute(rel)) return null;
  if (rel === '' || extname(rel) === '') return join(root, 'index.html');
  const full = join(root, ...segments);
  return full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}

/** A protocol.handle handler for app://, closed over the renderer root. */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  let realRoot: string | null = null;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed.');
    const path = resolveAppPath(root, request.url);
    if (!path) return text(404, 'Not found.');
    try {
      realRoot ??= realpathSync(root);
      const real = realpathSync(path);
      // A symlink inside dist/renderer must not lead outside it.
      if (!real.startsWith(realRoot + sep) || !statSync(real).isFile()) return text(404, 'Not found.');
      const body = request.method === 'HEAD' ? null : await readFile(real);
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': TYPES[extname(real)] ?? 'application/octet-stream',
          'Cache-Control': 'no-store',
          ...APP_SECURITY_HEADERS,
        },
      });
    } catch {
      return text(404, path.endsWith('index.html') ? 'The Keepsake UI has not been built yet: run "npm run build".' : 'Not found.');
    }
  };
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...APP_SECURITY_HEADERS } });
}
