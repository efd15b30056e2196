// Serves the built UI (dist/renderer) with the strict CSP and safe headers. Paths are
// resolved inside the static root only; anything else is a 404. Unknown paths without a
// file extension fall back to index.html so the UI's own routes work on reload.
import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { appCsp } from '../../common/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
};

/** Maps a URL path to a file inside root, or null when it would escape it. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  // Any parent segment is refused outright rather than normalised away.
  if (decoded.split('/').includes('..')) return null;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  const full = join(root, rel);
  return full === root || full.startsWith(root + sep) ? full : null;
}

export function serveStatic(root: string, urlPath: string, res: ServerResponse): void {
  let file = resolveStatic(root, urlPath === '/' ? '/index.html' : urlPath);
  if (file && !isFile(file) && extname(file) === '') file = join(root, 'index.html');
  if (!file || !isFile(file)) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(isFile(join(root, 'index.html')) ? 'Not found.' : 'The Keepsake UI has not been built yet: run "npm run build".');
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Security-Policy': appCsp(),
    'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'public, max-age=3600',
    ...SECURITY_HEADERS,
  });
  createReadStream(file).pipe(res);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
