// Which endpoints Keepsake will talk to. Credentials and (already encrypted) data must not
// cross a network in the clear, so plain http is refused unless the host is this machine
// (a local test server or a NAS reached through an SSH tunnel) or the person explicitly
// allowed it for this target — and then a warning is returned for the UI and the log.
import { isIP } from 'node:net';
import { KeepsakeError } from '../../../common/errors';

export interface EndpointCheck {
  url: URL;
  /** Plain words for the person when plain http was allowed on purpose. */
  warning: string | null;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

export function checkEndpoint(raw: string, allowInsecureHttp: boolean): EndpointCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KeepsakeError('BAD_INPUT', `"${raw.slice(0, 100)}" is not a web address (expected https://…).`);
  }
  if (url.username || url.password) {
    throw new KeepsakeError('BAD_INPUT', 'Put the user name and password in their own fields, not in the address.');
  }
  if (url.protocol === 'https:') return { url, warning: null };
  if (url.protocol !== 'http:') throw new KeepsakeError('BAD_INPUT', `Only https:// addresses are supported (got ${url.protocol}).`);
  if (isLoopbackHost(url.hostname)) return { url, warning: null };
  if (!allowInsecureHttp) {
    throw new KeepsakeError('FORBIDDEN', `Keepsake will not send your credentials over plain http to ${url.hostname}. Use https, or allow insecure http for this target explicitly.`);
  }
  return { url, warning: `This target uses plain http: your data stays encrypted, but the credentials and the traffic pattern can be seen by anyone on the network between you and ${url.hostname}.` };
}
