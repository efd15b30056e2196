// Refuses requests repeated beyond a sensible rate (the policy's "unreasonably
// repetitive"), with a plain message saying when to try again. A sliding window per action.
import { KeepsakeError } from '../../common/errors';

export interface RateRule {
  /** How many requests… */
  max: number;
  /** …per this many milliseconds. */
  perMs: number;
  /** What the person was doing, for the message ("erase requests"). */
  what: string;
}

export class RateLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request for `key`; throws RATE_LIMITED when over the rule. */
  take(key: string, rule: RateRule): void {
    const t = this.now();
    const recent = (this.seen.get(key) ?? []).filter((at) => t - at < rule.perMs);
    if (recent.length >= rule.max) {
      const waitMs = rule.perMs - (t - recent[0]!);
      const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
      throw new KeepsakeError('RATE_LIMITED', `Too many ${rule.what} in a short time. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, { retryAfterMs: waitMs });
    }
    recent.push(t);
    this.seen.set(key, recent);
  }
}

export const RATE_RULES = {
  erase: { max: 60, perMs: 3_600_000, what: 'erase requests' },
  export: { max: 10, perMs: 3_600_000, what: 'export requests' },
  verify: { max: 30, perMs: 3_600_000, what: 'verification requests' },
} satisfies Record<string, RateRule>;
