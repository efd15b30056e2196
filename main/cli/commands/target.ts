// `keepsake target add|list|remove|schedule|bandwidth`: the cloud targets the vault is
// mirrored to. `add` runs the conformance check live and stores the target only if it
// can hold the vault safely; credentials come from the environment (or flags) and are
// kept only inside the encrypted vault.
import type { TargetSecrets, TargetSettings } from '../../../common/contract/cloud';
import { KeepsakeError } from '../../../common/errors';
import { addTarget, cloudStore, toInfo } from '../../core/cloud/service';
import { S3Settings, WebDavSettings } from '../../core/cloud/target-config';
import type { Command, CommandContext } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';

const USAGE = [
  'Usage:',
  '  keepsake target add s3 --endpoint URL --bucket B [--prefix P] [--path-style] [--region R]',
  '                         [--access-key-id K --secret-access-key S] [--allow-insecure-http]',
  '  keepsake target add webdav --url URL --user U [--allow-insecure-http]',
  '  keepsake target add folder <dir>',
  '  keepsake target list',
  '  keepsake target remove <id>',
  '  keepsake target schedule <id> --every MINUTES     (0 = only when asked)',
  '  keepsake target bandwidth <id> --limit BYTES_PER_SECOND   (0 = unlimited)',
  '',
  'S3 credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the flags.',
  'WebDAV password: KEEPSAKE_WEBDAV_PASSWORD.',
  'Plain http is refused except to this machine unless --allow-insecure-http is given.',
  PASSPHRASE_HELP,
].join('\n');

const str = (ctx: CommandContext, k: string): string | undefined => (typeof ctx.values[k] === 'string' ? (ctx.values[k] as string) : undefined);

function parseAdd(ctx: CommandContext): { settings: TargetSettings; secrets: TargetSecrets } {
  const [, kind, path, extra] = ctx.positionals;
  const insecure = ctx.values['allow-insecure-http'] === true ? { allowInsecureHttp: true } : {};
  if (kind === 'folder') {
    if (!path || extra) throw new KeepsakeError('BAD_INPUT', 'Give exactly one folder: keepsake target add folder <dir>.');
    return { settings: { kind: 'folder', path }, secrets: {} };
  }
  if (kind === 's3') {
    const endpoint = str(ctx, 'endpoint');
    const region = str(ctx, 'region');
    const prefix = str(ctx, 'prefix');
    const parsed = S3Settings.safeParse({ kind: 's3', bucket: str(ctx, 'bucket'), ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}), ...(prefix ? { prefix } : {}), ...(ctx.values['path-style'] === true ? { pathStyle: true } : {}), ...insecure });
    if (!parsed.success) throw new KeepsakeError('BAD_INPUT', `The S3 target is incomplete: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
    const accessKeyId = str(ctx, 'access-key-id') ?? ctx.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = str(ctx, 'secret-access-key') ?? ctx.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) throw new KeepsakeError('BAD_INPUT', 'S3 credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or --access-key-id / --secret-access-key).');
    return { settings: parsed.data, secrets: { accessKeyId, secretAccessKey } };
  }
  if (kind === 'webdav') {
    const parsed = WebDavSettings.safeParse({ kind: 'webdav', url: str(ctx, 'url'), username: str(ctx, 'user'), ...insecure });
    if (!parsed.success) throw new KeepsakeError('BAD_INPUT', 'A WebDAV target needs --url and --user.');
    const password = ctx.env.KEEPSAKE_WEBDAV_PASSWORD;
    if (!password) throw new KeepsakeError('BAD_INPUT', 'The WebDAV password is missing: set KEEPSAKE_WEBDAV_PASSWORD.');
    return { settings: parsed.data, secrets: { password } };
  }
  throw new KeepsakeError('BAD_INPUT', 'The kind of target is s3, webdav or folder.');
}

function needId(ctx: CommandContext): string {
  const id = ctx.positionals[1];
  if (!id) throw new KeepsakeError('BAD_INPUT', 'Give the target id (see keepsake target list).');
  return id;
}

function needInt(ctx: CommandContext, flag: string): number {
  const v = str(ctx, flag);
  const n = v === undefined ? NaN : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new KeepsakeError('BAD_INPUT', `--${flag} takes a whole number, 0 or more.`);
  return n;
}

export const targetCommand: Command = {
  name: 'target',
  usage: USAGE,
  options: {
    ...PASSPHRASE_OPTIONS,
    endpoint: { type: 'string' },
    bucket: { type: 'string' },
    prefix: { type: 'string' },
    region: { type: 'string' },
    'path-style': { type: 'boolean' },
    'access-key-id': { type: 'string' },
    'secret-access-key': { type: 'string' },
    url: { type: 'string' },
    user: { type: 'string' },
    'allow-insecure-http': { type: 'boolean' },
    every: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(ctx) {
    const verb = ctx.positionals[0];
    const core = ctx.core();
    if (verb === 'add') {
      const { settings, secrets } = parseAdd(ctx);
      const vault = await openVaultFor(ctx);
      const r = await addTarget(core, vault, settings, secrets);
      const lines = [`Added ${r.target.label} (id ${r.target.id}).`, ...r.conformance.checks.map((c) => `  ${c.level === 'ok' ? 'ok     ' : 'warning'}  ${c.message}`)];
      if (r.warning) lines.push(`Warning: ${r.warning}`);
      print(ctx, { target: r.target, conformance: r.conformance, warning: r.warning }, lines.join('\n'));
      return 0;
    }
    const vault = await openVaultFor(ctx);
    const store = cloudStore(vault, () => core.clock.now());
    const now = core.clock.now();
    switch (verb) {
      case 'list': {
        const targets = store.list().map((t) => toInfo(t, now));
        const text = targets.length === 0 ? 'No cloud targets yet. Add one with keepsake target add.' : targets.map((t) => `${t.id}  ${t.label}\n    ${t.health.line}${t.scheduleMinutes ? `\n    every ${t.scheduleMinutes} minutes` : ''}${t.bandwidthBps ? `\n    limited to ${t.bandwidthBps} bytes/s` : ''}`).join('\n');
        print(ctx, { targets }, text);
        return 0;
      }
      case 'remove': {
        const id = needId(ctx);
        store.remove(id);
        print(ctx, { removed: id }, `Removed target ${id}. What is stored there was left as it is.`);
        return 0;
      }
      case 'schedule': {
        const id = needId(ctx);
        store.setSchedule(id, needInt(ctx, 'every'));
        const t = toInfo(store.get(id), now);
        print(ctx, { target: t }, t.scheduleMinutes ? `${t.label} syncs every ${t.scheduleMinutes} minutes while the vault is open.` : `${t.label} syncs only when asked.`);
        return 0;
      }
      case 'bandwidth': {
        const id = needId(ctx);
        store.setBandwidth(id, needInt(ctx, 'limit'));
        const t = toInfo(store.get(id), now);
        print(ctx, { target: t }, t.bandwidthBps ? `Uploads to ${t.label} are limited to ${t.bandwidthBps} bytes per second.` : `Uploads to ${t.label} are not limited.`);
        return 0;
      }
      default:
        throw new KeepsakeError('BAD_INPUT', `Unknown target command "${verb ?? ''}". ${USAGE.split('\n')[0]} keepsake target --help`);
    }
  },
};
