// What a configured target is made of — its kind, its settings (safe to show) and its
// secrets (kept only inside the encrypted vault index) — and the factory that builds a
// CloudTarget from them after checking the endpoint (plain http refused off loopback
// unless allowed). Parsing of the CLI's `--from` target spec lives here too.
import { S3Settings, WebDavSettings, type TargetSecrets, type TargetSettings } from '../../../common/contract/cloud';
import { KeepsakeError } from '../../../common/errors';
import { TokenBucket } from './bandwidth';
import { checkEndpoint } from './endpoint-policy';
import { FolderTarget } from './folder-target';
import { S3Target } from './s3-target';
import type { CloudTarget } from './target';
import { WebDavTarget } from './webdav-target';

export { FolderSettings, S3Settings, TargetSecrets, TargetSettings, WebDavSettings } from '../../../common/contract/cloud';

export interface BuiltTarget {
  target: CloudTarget;
  bucket: TokenBucket;
  warning: string | null;
}

export function buildTarget(settings: TargetSettings, secrets: TargetSecrets, bandwidthBps = 0): BuiltTarget {
  const bucket = new TokenBucket(bandwidthBps);
  switch (settings.kind) {
    case 'folder':
      return { target: new FolderTarget(settings.path, bucket), bucket, warning: null };
    case 's3': {
      let warning: string | null = null;
      if (settings.endpoint) warning = checkEndpoint(settings.endpoint, settings.allowInsecureHttp ?? false).warning;
      if (!secrets.accessKeyId || !secrets.secretAccessKey) throw new KeepsakeError('BAD_INPUT', 'An S3 target needs an access key id and a secret access key.');
      const opts = {
        bucket: settings.bucket,
        accessKeyId: secrets.accessKeyId,
        secretAccessKey: secrets.secretAccessKey,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        ...(settings.region ? { region: settings.region } : {}),
        ...(settings.prefix ? { prefix: settings.prefix } : {}),
        ...(settings.pathStyle !== undefined ? { pathStyle: settings.pathStyle } : {}),
      };
      return { target: new S3Target(opts, bucket), bucket, warning };
    }
    case 'webdav': {
      const { warning } = checkEndpoint(settings.url, settings.allowInsecureHttp ?? false);
      if (!secrets.password) throw new KeepsakeError('BAD_INPUT', 'A WebDAV target needs a password.');
      return { target: new WebDavTarget({ url: settings.url, username: settings.username, password: secrets.password }, bucket), bucket, warning };
    }
  }
}

/** A one-line description for lists and logs: never a secret. */
export function describeSettings(s: TargetSettings): string {
  switch (s.kind) {
    case 'folder':
      return `Folder ${s.path}`;
    case 's3':
      return `S3 ${s.bucket}${s.prefix ? `/${s.prefix}` : ''}${s.endpoint ? ` at ${new URL(s.endpoint).host}` : ''}`;
    case 'webdav':
      return `WebDAV ${new URL(s.url).host}${new URL(s.url).pathname} as ${s.username}`;
  }
}

/**
 * Parses a target spec for `restore-vault --from`:
 *   folder:/path   s3:https://host/bucket[/prefix]   webdav:https://host/path
 * (the s3 form is restic's; the endpoint is path-style). Credentials come from the
 * environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, KEEPSAKE_WEBDAV_USER /
 * KEEPSAKE_WEBDAV_PASSWORD.
 */
export function parseTargetSpec(spec: string, env: NodeJS.ProcessEnv): { settings: TargetSettings; secrets: TargetSecrets } {
  const colon = spec.indexOf(':');
  const scheme = colon > 0 ? spec.slice(0, colon) : '';
  const rest = spec.slice(colon + 1);
  if (scheme === 'folder' || (colon <= 0 && spec.startsWith('/'))) {
    return { settings: { kind: 'folder', path: scheme === 'folder' ? rest : spec }, secrets: {} };
  }
  if (scheme === 's3') {
    let url: URL;
    try {
      url = new URL(rest);
    } catch {
      throw new KeepsakeError('BAD_INPUT', 'An s3 target is written s3:https://host/bucket[/prefix].');
    }
    const [bucket, ...prefix] = url.pathname.split('/').filter(Boolean);
    if (!bucket) throw new KeepsakeError('BAD_INPUT', 'The s3 target has no bucket: write s3:https://host/bucket.');
    const settings = S3Settings.parse({ kind: 's3', endpoint: `${url.protocol}//${url.host}`, bucket, pathStyle: true, ...(prefix.length ? { prefix: prefix.join('/') } : {}) });
    return { settings, secrets: { ...(env.AWS_ACCESS_KEY_ID ? { accessKeyId: env.AWS_ACCESS_KEY_ID } : {}), ...(env.AWS_SECRET_ACCESS_KEY ? { secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : {}) } };
  }
  if (scheme === 'webdav') {
    const username = env.KEEPSAKE_WEBDAV_USER ?? '';
    const settings = WebDavSettings.parse({ kind: 'webdav', url: rest, username: username || 'anonymous' });
    return { settings, secrets: env.KEEPSAKE_WEBDAV_PASSWORD ? { password: env.KEEPSAKE_WEBDAV_PASSWORD } : {} };
  }
  throw new KeepsakeError('BAD_INPUT', `"${spec.slice(0, 80)}" is not a target: use folder:/path, s3:https://host/bucket or webdav:https://host/path.`);
}
