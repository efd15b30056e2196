// How vault commands use a CLI session (main/core/vault/session/): ask the running session
// of this data folder for the master key and open the vault with it, skipping the
// passphrase KDF. Off with KEEPSAKE_SESSION=0 or --no-session. When a session is there but
// cannot be used (dead, silent, for another vault, key no longer opens the vault) the
// command says so once on stderr and goes on with the passphrase.
import { isKeepsakeError } from '../../../common/errors';
import { sessionKey, type SessionAnswer } from '../../core/vault/session/client';
import { Vault } from '../../core/vault/vault';
import type { CommandContext } from '../command';

export function sessionWanted(ctx: CommandContext): boolean {
  return ctx.values['no-session'] !== true && ctx.env.KEEPSAKE_SESSION !== '0';
}

function why(answer: SessionAnswer): string | null {
  switch (answer.kind) {
    case 'none':
      return null;
    case 'stale':
      return 'the session had stopped without cleaning up (its socket is now removed)';
    case 'timeout':
      return 'the session did not answer in time';
    case 'unsafe':
    case 'failed':
      return answer.message;
    case 'answer':
      if (answer.response.ok) return 'the session sent no key';
      if (answer.response.error === 'wrong-vault') return 'the session answering belongs to another vault';
      if (answer.response.error === 'ended') return "the session ended because the vault's keys changed";
      return 'the session refused the request';
  }
}

/** The vault opened with the session's key, or null (after one stderr line when a session was there). */
export async function openFromSession(ctx: CommandContext, dataFolder: string): Promise<Vault | null> {
  const got = await sessionKey(dataFolder, ctx.env);
  if (got.key === null) {
    const reason = why(got.answer);
    if (reason) ctx.err(`keepsake: not using the session: ${reason}; using the passphrase.`);
    return null;
  }
  try {
    return Vault.openWithMasterKey(dataFolder, got.key);
  } catch (e) {
    if (isKeepsakeError(e) && e.code === 'WRONG_PASSPHRASE') {
      ctx.err("keepsake: not using the session: its key does not open this vault; using the passphrase.");
      return null;
    }
    throw e;
  }
}
