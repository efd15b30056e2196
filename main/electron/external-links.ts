// Which links may leave the app for the system browser or mail client. Only https: to a
// host on the allowlist, and mailto:, each decided after new URL() parsing, so padded or
// mixed-case schemes, credentials tricks (https://good@evil) and look-alike hosts
// (good.example.com.evil) never reach shell.openExternal (audit item 15,
// CVE-2021-28119, Rocket.Chat #1710).
import { parseUrl } from './origin';

/** Hosts Keepsake's own screens link to: project docs and the cloud providers' help pages. */
export const EXTERNAL_HOSTS: readonly string[] = [
  'github.com',
  'docs.aws.amazon.com',
  'www.backblaze.com',
  'developers.cloudflare.com',
  'docs.wasabi.com',
  'min.io',
  'docs.nextcloud.com',
  'doc.owncloud.com',
];

/**
 * Returns the normalised URL to hand to shell.openExternal, or null when the link must
 * not leave the app. Exact host match only: subdomains are not implied.
 */
export function externalLinkTarget(raw: unknown, allowedHosts: readonly string[] = EXTERNAL_HOSTS): string | null {
  // The raw text must already be a clean URL: no surrounding or embedded whitespace or
  // control characters, which new URL() would silently strip.
  if (typeof raw !== 'string' || raw.length === 0 || hasSpaceOrControl(raw)) return null;
  const url = parseUrl(raw);
  if (!url) return null;
  if (url.protocol === 'mailto:') {
    if (!raw.startsWith('mailto:')) return null;
    return /^[^@\s/\\]+@[^@\s/\\]+$/.test(decodeSafe(url.pathname)) ? url.href : null;
  }
  if (url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.port !== '') return null;
  if (!allowedHosts.includes(url.hostname)) return null;
  // The scheme as written must be the plain lowercase one, so "HTTPS:" or " https:" games
  // in the source text are refused rather than normalised.
  if (!raw.startsWith('https://')) return null;
  return url.href;
}

function hasSpaceOrControl(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c <= 0x20 || c === 0x7f || /\s/.test(ch)) return true;
  }
  return false;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}
