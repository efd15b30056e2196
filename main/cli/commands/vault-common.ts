// What the vault commands share: where the passphrase comes from when no one is there to
// type it (KEEPSAKE_PASSPHRASE, --passphrase-file, or the first line of stdin), opening
// the vault into the run's Core, and printing a result as text or one JSON document.
import { readFileSync } from 'node:fs';
import { KeepsakeError } from '../../../common/errors';
import type { CommandContext, Options } from '../command';
import { Vault } from '../../core/vault/vault';
import { openFromSession, sessionWanted } from './session-use';

export const PASSPHRASE_OPTIONS: Options = {
  'passphrase-file': { type: 'string' },
};

export const PASSPHRASE_HELP = [
  'The passphrase is read from KEEPSAKE_PASSPHRASE, or from the file given with',
  '--passphrase-file (first line), or from the first line of standard input.',
  'While a session runs ("keepsake unlock --session") no passphrase is needed;',
  '--no-session or KEEPSAKE_SESSION=0 ignores it.',
].join('\n');

export async function readPassphrase(ctx: CommandContext): Promise<string> {
  const file = ctx.values['passphrase-file'];
  if (typeof file === 'string') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new KeepsakeError('BAD_INPUT', 'The passphrase file could not be read.');
    }
    return nonEmpty(firstLine(text));
  }
  if (ctx.env.KEEPSAKE_PASSPHRASE) return ctx.env.KEEPSAKE_PASSPHRASE;
  if ((ctx.stdin as NodeJS.ReadStream).isTTY) {
    throw new KeepsakeError('BAD_INPUT', 'No passphrase given: set KEEPSAKE_PASSPHRASE, use --passphrase-file, or pipe it on standard input.');
  }
  const parts: Buffer[] = [];
  for await (const p of ctx.stdin) {
    parts.push(Buffer.from(p as Buffer));
    if (Buffer.concat(parts).includes(10)) break;
  }
  return nonEmpty(firstLine(Buffer.concat(parts).toString('utf8')));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

function nonEmpty(p: string): string {
  if (!p) throw new KeepsakeError('BAD_INPUT', 'The passphrase is empty.');
  return p;
}

/**
 * Opens the vault of KEEPSAKE_HOME into the run's Core (closed when the run ends): with the
 * key of a running CLI session when there is one (unless `session: false`,
 * KEEPSAKE_SESSION=0 or --no-session), else with the passphrase.
 */
export async function openVaultFor(ctx: CommandContext, opts: { session?: boolean } = {}): Promise<Vault> {
  const core = ctx.core();
  if (core.vault) return core.vault;
  if (!Vault.exists(core.dataFolder)) throw new KeepsakeError('VAULT_MISSING', `There is no vault in ${core.dataFolder} yet. Create one with "keepsake init".`);
  if (opts.session !== false && sessionWanted(ctx)) {
    const fromSession = await openFromSession(ctx, core.dataFolder);
    if (fromSession) {
      core.vault = fromSession;
      return fromSession;
    }
  }
  const passphrase = await readPassphrase(ctx);
  core.vault = await Vault.open(core.dataFolder, { passphrase });
  return core.vault;
}

export function print(ctx: CommandContext, data: Record<string, unknown>, text: string): void {
  ctx.out(ctx.json ? JSON.stringify({ ok: true, ...data }) : text);
}
