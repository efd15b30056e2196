// `keepsake unlock`: check that the passphrase opens the vault (for scripts); exit 0 if so.
// `--session` then keeps the vault's key in a session holder so later commands skip the
// passphrase KDF until `keepsake lock`, --idle without use, or --max; `--status` tells
// whether a session runs (docs/vault.md, "CLI session"). Plain `unlock` always checks the
// passphrase itself: that is its job, so it never takes the key from a session.
import { KeepsakeError } from '../../../common/errors';
import { defaultDataFolder } from '../../core/paths';
import { askSession, startSession } from '../../core/vault/session/client';
import { MAX_SESSION_MS, MIN_SESSION_MS, type SessionInfo } from '../../core/vault/session/protocol';
import { ensureSessionDir } from '../../core/vault/session/socket-path';
import type { Command, CommandContext } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';

const DEFAULT_IDLE = '15m';
const DEFAULT_MAX = '8h';
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "8h", "1d" → milliseconds, between a second and a week. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d{1,7})([smhd])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (UNITS[m[2] ?? ''] ?? 0) : NaN;
  if (!(ms >= MIN_SESSION_MS && ms <= MAX_SESSION_MS)) {
    throw new KeepsakeError('BAD_INPUT', `--${option} takes a length like 90s, 15m, 8h or 1d (from one second to seven days), not "${text}".`);
  }
  return ms;
}

const clock = (t: number): string => new Date(t).toLocaleString();

function describe(info: SessionInfo): string {
  return `until ${clock(info.until)} at the latest, or ${clock(info.idleUntil)} if no command uses it before then`;
}

async function status(ctx: CommandContext): Promise<number> {
  const answer = await askSession(defaultDataFolder(ctx.env), 'status', ctx.env);
  if (answer.kind === 'answer' && answer.response.ok) {
    const { ok: _ok, ...info } = answer.response;
    print(ctx, { session: { running: true, ...info } }, `A session is running for this vault (process ${info.pid}): ${describe(info)}.`);
  } else {
    print(ctx, { session: { running: false } }, answer.kind === 'stale' ? 'No session is running (a stopped one left its socket behind; it is removed now).' : 'No session is running for this vault.');
  }
  return 0;
}

export const unlockCommand: Command = {
  name: 'unlock',
  usage: [
    'Usage: keepsake unlock [--passphrase-file FILE] [--json]',
    '       keepsake unlock --session [--idle 15m] [--max 8h] [--passphrase-file FILE] [--json]',
    '       keepsake unlock --status [--json]',
    '',
    'Exit status 4 means the passphrase is wrong, 7 that the key file is damaged.',
    '--session keeps the vault unlocked for later keepsake commands of your user account, until',
    '"keepsake lock", --idle without any command using it (default 15m), or --max (default 8h);',
    'a passphrase change ends it too. --status says whether a session runs and until when.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: {
    ...PASSPHRASE_OPTIONS,
    session: { type: 'boolean' },
    idle: { type: 'string' },
    max: { type: 'string' },
    status: { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.values.status) return status(ctx);
    const wantSession = ctx.values.session === true;
    if (!wantSession && (ctx.values.idle !== undefined || ctx.values.max !== undefined)) {
      throw new KeepsakeError('BAD_INPUT', '--idle and --max go with --session.');
    }
    const idleMs = parseDuration(typeof ctx.values.idle === 'string' ? ctx.values.idle : DEFAULT_IDLE, 'idle');
    const maxMs = parseDuration(typeof ctx.values.max === 'string' ? ctx.values.max : DEFAULT_MAX, 'max');
    // a session folder that is not private fails before the passphrase KDF, not after
    if (wantSession) ensureSessionDir(ctx.env);
    const vault = await openVaultFor(ctx, { session: false });
    if (!wantSession) {
      print(ctx, { vaultId: vault.id, state: 'unlocked' }, 'The passphrase opens the vault.');
      return 0;
    }
    const info = await startSession(ctx.core().dataFolder, vault.masterKey, vault.id, { idleMs, maxMs, env: ctx.env });
    print(ctx, { vaultId: vault.id, state: 'unlocked', session: { running: true, ...info } }, `The vault stays unlocked for keepsake commands ${describe(info)}. End it with "keepsake lock".`);
    return 0;
  },
};
