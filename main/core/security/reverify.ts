// Identity re-verification: sensitive actions (erase, export, recovery, key changes) call
// requireFreshIdentity(core), which passes only if the passphrase was checked within the
// last few minutes (5 by default) for the vault that is open now. Wrong passphrases back
// off exponentially (1 s, 2 s, 4 s … capped) so the check cannot be used to guess, and
// each failure is logged with counts only, never the secret.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { unlockKeySlots, type KdfOptions } from '../vault/keys/key-slots';
import { openVaultKeys } from './vault-keys';

export interface ReverifyOptions {
  /** How long a successful check satisfies requireFreshIdentity. */
  freshForMs: number;
  /** Wait after the first failure; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  kdf: KdfOptions;
}

export const DEFAULT_REVERIFY: Readonly<ReverifyOptions> = { freshForMs: 5 * 60_000, baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, kdf: {} };

/** Per-Core state, kept here so core.ts needs no field for it. */
interface GuardState {
  opts: ReverifyOptions;
  verifiedAt: number | null;
  /** The vault object the check was made for: after a lock/unlock it no longer counts. */
  verifiedFor: object | null;
  failures: number;
  blockedUntil: number;
  /** Checks run one after another, so parallel guesses all wait for the backoff. */
  queue: Promise<unknown>;
}

const states = new WeakMap<Core, GuardState>();

function state(core: Core): GuardState {
  let s = states.get(core);
  if (!s) {
    s = { opts: { ...DEFAULT_REVERIFY }, verifiedAt: null, verifiedFor: null, failures: 0, blockedUntil: 0, queue: Promise.resolve() };
    states.set(core, s);
  }
  return s;
}

/** Changes the freshness window, backoff or KDF options (settings, tests). */
export function configureReverify(core: Core, opts: Partial<ReverifyOptions>): void {
  const s = state(core);
  s.opts = { ...s.opts, ...opts };
}

/** A wait in plain words: "1 second", "8 seconds", "2 minutes". */
export function waitInWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** True if the passphrase was confirmed recently enough for the vault open now. */
export function isIdentityFresh(core: Core): boolean {
  const s = state(core);
  return s.verifiedAt !== null && core.vault !== null && s.verifiedFor === core.vault && core.clock.now() - s.verifiedAt < s.opts.freshForMs;
}

/** When the current confirmation runs out (ms since the epoch), or null if there is none. */
export function identityFreshUntil(core: Core): number | null {
  const s = state(core);
  return isIdentityFresh(core) && s.verifiedAt !== null ? s.verifiedAt + s.opts.freshForMs : null;
}

/** Throws REVERIFY unless the passphrase was confirmed within the window. */
export function requireFreshIdentity(core: Core): void {
  if (!isIdentityFresh(core)) {
    throw new KeepsakeError('REVERIFY', 'For your safety, type your passphrase again before doing this.');
  }
}

/** Checks the passphrase against the open vault; on success the identity is fresh. */
export async function verifyIdentity(core: Core, passphrase: string): Promise<{ freshUntil: number }> {
  const s = state(core);
  const run = s.queue.then(() => check(core, s, passphrase));
  s.queue = run.catch(() => undefined);
  return run;
}

async function check(core: Core, s: GuardState, passphrase: string): Promise<{ freshUntil: number }> {
  const vault = core.vault;
  if (!vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  const now = core.clock.now();
  if (now < s.blockedUntil) {
    const wait = s.blockedUntil - now;
    throw new KeepsakeError('RATE_LIMITED', `Too many wrong passphrases. Wait ${waitInWords(wait)}, then try again.`, { retryAfterMs: wait });
  }
  const { layout, masterKey } = openVaultKeys(core);
  try {
    const opened = await unlockKeySlots(layout, { passphrase }, s.opts.kdf);
    const same = opened.masterKey.equals(masterKey);
    opened.masterKey.fill(0);
    if (!same) throw new KeepsakeError('WRONG_PASSPHRASE', 'That passphrase opens a different vault, not the one that is open.');
  } catch (e) {
    if (e instanceof KeepsakeError && e.code === 'WRONG_PASSPHRASE') {
      s.failures += 1;
      const wait = Math.min(s.opts.baseDelayMs * 2 ** (s.failures - 1), s.opts.maxDelayMs);
      s.blockedUntil = core.clock.now() + wait;
      s.verifiedAt = null;
      core.log.warn('security.reverify.failed', { failures: s.failures, waitMs: wait });
      throw new KeepsakeError('WRONG_PASSPHRASE', `That passphrase is not right. You can try again in ${waitInWords(wait)}.`, { retryAfterMs: wait });
    }
    throw e;
  }
  s.failures = 0;
  s.blockedUntil = 0;
  s.verifiedAt = core.clock.now();
  s.verifiedFor = vault;
  core.log.info('security.reverify.ok', {});
  return { freshUntil: s.verifiedAt + s.opts.freshForMs };
}

/** Forgets a confirmation (after a lock, or when the person asks). */
export function forgetIdentity(core: Core): void {
  const s = state(core);
  s.verifiedAt = null;
  s.verifiedFor = null;
}
