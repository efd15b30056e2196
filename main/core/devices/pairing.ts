// Pairing sessions: a one-time 128-bit secret with a short expiry, shown as a QR code.
// [Note: Pairing secret rules]
// - Only the SHA-256 of the secret is held; comparison is constant-time.
// - One open session at a time; opening a new one closes the previous one.
// - A session dies after its first success (a replay is refused), at expiry, or after
//   MAX_WRONG_PER_SESSION wrong codes (guessing burns the code).
// - Attempts are rate-limited globally, and after LOCKOUT_FAILURES failures within
//   LOCKOUT_WINDOW every attempt is refused, even with the right code, until the window
//   passes. Failures are counted from the vault (pairing_attempts), so a restart does not
//   reset them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KeepsakeError } from '../../../common/errors';
import type { PairingsStore } from './pairings-store';
import { TokenBucket } from './rate-limit';

export const PAIRING_TTL_MS = 3 * 60 * 1000;
export const MAX_WRONG_PER_SESSION = 3;
export const LOCKOUT_FAILURES = 10;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;

export interface PairingSession {
  secret: string;
  expires: number;
}

interface Open {
  hash: Buffer;
  expires: number;
  wrong: number;
}

const hashOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

export class PairingManager {
  private open: Open | null = null;
  /** Hashes of secrets already used or burned, so a replay gets its own clear message. */
  private readonly spent: Buffer[] = [];
  private readonly bucket: TokenBucket;

  constructor(
    private readonly store: PairingsStore,
    private readonly now: () => number,
    options: { ttlMs?: number } = {},
  ) {
    this.ttl = options.ttlMs ?? PAIRING_TTL_MS;
    this.bucket = new TokenBucket(5, 1, now());
  }

  private readonly ttl: number;

  /** Opens a new pairing session (closing any previous one) and returns its secret. */
  start(): PairingSession {
    this.burn();
    const secret = randomBytes(16).toString('base64url');
    const expires = this.now() + this.ttl;
    this.open = { hash: hashOf(secret), expires, wrong: 0 };
    return { secret, expires };
  }

  /** Closes the open session, if any (Cancel in the UI). */
  cancel(): void {
    this.burn();
  }

  isOpen(): boolean {
    return this.open !== null && this.open.expires > this.now();
  }

  /**
   * Checks a presented secret. Resolves on success (the session is consumed); otherwise
   * throws a KeepsakeError whose message tells the person on the phone what to do.
   */
  redeem(secret: string): void {
    const now = this.now();
    // The bucket comes first so that even refused attempts cost at most one write a second.
    if (!this.bucket.take(now)) {
      throw new KeepsakeError('RATE_LIMITED', 'Too many pairing attempts. Wait a moment and try again.');
    }
    if (this.store.failuresSince(now - LOCKOUT_WINDOW_MS) >= LOCKOUT_FAILURES) {
      this.store.recordAttempt(now, 'locked');
      this.burn();
      throw new KeepsakeError('RATE_LIMITED', 'Pairing is locked for a while after too many wrong codes. Wait 15 minutes, then start a new pairing on the desktop.');
    }
    const presented = hashOf(secret);
    const open = this.open;
    if (!open) {
      if (this.spent.some((h) => timingSafeEqual(h, presented))) {
        this.store.recordAttempt(now, 'replayed');
        throw new KeepsakeError('FORBIDDEN', 'This pairing code was already used or replaced. Start a new pairing on the desktop and scan the new code.');
      }
      this.store.recordAttempt(now, 'none-open');
      throw new KeepsakeError('FORBIDDEN', 'No pairing is open on this desktop. Choose "Pair a phone" on the desktop first.');
    }
    if (!timingSafeEqual(open.hash, presented)) {
      this.store.recordAttempt(now, 'wrong');
      open.wrong += 1;
      if (open.wrong >= MAX_WRONG_PER_SESSION) this.burn();
      throw new KeepsakeError('FORBIDDEN', 'The pairing code is wrong. Scan the code shown on the desktop again.');
    }
    if (open.expires <= now) {
      this.store.recordAttempt(now, 'expired');
      this.burn();
      throw new KeepsakeError('FORBIDDEN', 'This pairing code has expired. Start a new pairing on the desktop and scan the new code.');
    }
    this.store.recordAttempt(now, 'paired');
    this.burn();
  }

  private burn(): void {
    if (this.open) {
      this.spent.push(this.open.hash);
      if (this.spent.length > 50) this.spent.shift();
    }
    this.open = null;
  }
}
