// `keepsake restore-vault --from <target-spec>`: on a computer without a vault, rebuild
// the whole vault from a cloud target with the recovery key, then check every chunk.
// Target specs: folder:/path, s3:https://host/bucket[/prefix] (AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY), webdav:https://host/path (KEEPSAKE_WEBDAV_USER /
// KEEPSAKE_WEBDAV_PASSWORD). The recovery key: KEEPSAKE_RECOVERY_KEY or the first line of stdin.
import { KeepsakeError } from '../../../common/errors';
import { startRestoreJob } from '../../core/cloud/service';
import { parseTargetSpec } from '../../core/cloud/target-config';
import type { Command, CommandContext } from '../command';
import { print } from './vault-common';
import { humanBytes } from '../../../common/format';

async function readRecoveryKey(ctx: CommandContext): Promise<string> {
  if (ctx.env.KEEPSAKE_RECOVERY_KEY) return ctx.env.KEEPSAKE_RECOVERY_KEY;
  if ((ctx.stdin as NodeJS.ReadStream).isTTY) throw new KeepsakeError('BAD_INPUT', 'No recovery key given: set KEEPSAKE_RECOVERY_KEY or pipe it on standard input.');
  const parts: Buffer[] = [];
  for await (const p of ctx.stdin) {
    parts.push(Buffer.from(p as Buffer));
    if (Buffer.concat(parts).includes(10)) break;
  }
  const key = (Buffer.concat(parts).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
  if (!key) throw new KeepsakeError('BAD_INPUT', 'The recovery key is empty.');
  return key;
}

export const restoreVaultCommand: Command = {
  name: 'restore-vault',
  usage: [
    'Usage: keepsake restore-vault --from <target> [--json]',
    '',
    'Targets: folder:/path   s3:https://host/bucket[/prefix]   webdav:https://host/path',
    'S3 credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.',
    'WebDAV: KEEPSAKE_WEBDAV_USER / KEEPSAKE_WEBDAV_PASSWORD.',
    'The recovery key is read from KEEPSAKE_RECOVERY_KEY, or the first line of standard input.',
    'The data folder (KEEPSAKE_HOME) must not hold a vault yet.',
  ].join('\n'),
  options: { from: { type: 'string' } },
  async run(ctx) {
    const from = typeof ctx.values.from === 'string' ? ctx.values.from : undefined;
    if (!from) throw new KeepsakeError('BAD_INPUT', 'Say where to restore from: --from <target>.');
    const { settings, secrets } = parseTargetSpec(from, ctx.env);
    const recoveryKey = await readRecoveryKey(ctx);
    const { info, result } = startRestoreJob(ctx.core(), settings, secrets, recoveryKey);
    const r = await result;
    print(ctx, { job: info.id, report: r }, `Restored vault version ${r.counter}: ${r.packs} packs (${humanBytes(r.bytes)}). Every chunk was read and verified. Unlock it with your passphrase or recovery key.`);
    return 0;
  },
};
