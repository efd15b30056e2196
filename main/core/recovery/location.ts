// The location step, enforced while a recovery runs. The person's choice (precise /
// approximate / none, expiring) is a grant in the consent ledger with purpose
// `recovery:<id>` and the bundle path or device as recipient; every location-bearing item
// asks the ledger again (`effective()`), so a withdrawal or expiry mid-recovery stops
// sharing at the next item. What did not travel, and why, is written to the ledger as
// drops (one entry per reason and category, with counts) and to the report.
import type { RecoveryCategory } from '../../../common/contract/recovery';
import type { ConsentLedger, Precision } from '../privacy/consent-ledger';
import { coarsen, type LatLon } from '../privacy/location-gate';

export type Effective = { precision: Precision; reason: string | null };

export function recoveryPurpose(recoveryId: string): string {
  return `recovery:${recoveryId}`;
}

export class LocationPolicy {
  private readonly drops = new Map<string, { category: RecoveryCategory; reason: string; items: number }>();
  shared = 0;
  coarsened = 0;
  removed = 0;

  constructor(
    private readonly ledger: ConsentLedger,
    readonly purpose: string,
    readonly recipient: string,
  ) {}

  /** What may travel now: the live grant's precision, or 'none' with the reason. */
  effective(): Effective {
    const a = this.ledger.active('location', this.purpose, this.recipient);
    if (!a.live) return { precision: 'none', reason: a.reason };
    return { precision: a.grant.precision, reason: a.grant.precision === 'none' ? 'you chose to share no location' : null };
  }

  /** Applies the live consent to one point; records what happened. */
  point(category: RecoveryCategory, p: LatLon): { point: LatLon | null; as: 'precise' | 'approximate' | 'removed' } {
    const e = this.effective();
    if (e.precision === 'precise') {
      this.shared++;
      return { point: p, as: 'precise' };
    }
    if (e.precision === 'approximate') {
      this.coarsened++;
      return { point: coarsen(p), as: 'approximate' };
    }
    this.drop(category, e.reason ?? 'no consent');
    return { point: null, as: 'removed' };
  }

  /** Counts an item whose location was removed (or the item skipped) for a reason. */
  drop(category: RecoveryCategory, reason: string): void {
    this.removed++;
    const key = `${category}\u0000${reason}`;
    const d = this.drops.get(key) ?? { category, reason, items: 0 };
    d.items++;
    this.drops.set(key, d);
  }

  /** Writes the drops to the ledger (once, at the end of a run) and returns them in plain words. */
  flush(): string[] {
    const notes: string[] = [];
    for (const d of this.drops.values()) {
      this.ledger.recordDrop('location', this.purpose, this.recipient, d.reason, { category: d.category, items: d.items });
      notes.push(`Location of ${d.items} ${d.category} item${d.items === 1 ? '' : 's'} not shared: ${d.reason}.`);
    }
    this.drops.clear();
    return notes;
  }
}
