// The ConsentGate over the consent ledger (main/core/privacy). The gateway asks for:
// - location reports from a device: subject 'location', purpose 'device-location',
//   recipient 'device:<id>' — the recovery flow grants exactly this, time-boxed, with the
//   precision the person chose;
// - a child's device syncing: subject 'child-data', purpose 'child-device-sync',
//   recipient 'device:<id>' — the guardian's consent.
// Drops are written to the ledger too, so the ledger view shows every refusal.
import type { ConsentLedger } from '../privacy/consent-ledger';
import type { ConsentDecision, ConsentGate, ConsentQuery } from './consent';

export const DEVICE_LOCATION_PURPOSE = 'device-location';
export const CHILD_SYNC_PURPOSE = 'child-device-sync';
export const deviceRecipient = (deviceId: string): string => `device:${deviceId}`;

function key(q: ConsentQuery): { subject: 'location' | 'child-data'; purpose: string; recipient: string } {
  return q.purpose === 'location'
    ? { subject: 'location', purpose: DEVICE_LOCATION_PURPOSE, recipient: deviceRecipient(q.deviceId) }
    : { subject: 'child-data', purpose: CHILD_SYNC_PURPOSE, recipient: deviceRecipient(q.deviceId) };
}

export class LedgerConsentGate implements ConsentGate {
  /** A function, so each check sees the ledger of the vault open at that moment. */
  constructor(private readonly ledger: () => ConsentLedger) {}

  check(q: ConsentQuery): ConsentDecision {
    const k = key(q);
    const a = this.ledger().active(k.subject, k.purpose, k.recipient);
    if (!a.live) return { allowed: false, reason: a.reason };
    if (q.purpose === 'location') {
      if (a.grant.precision === 'none') return { allowed: false, reason: 'the consent allows no location' };
      return { allowed: true, consentId: a.grant.id, precision: a.grant.precision };
    }
    return { allowed: true, consentId: a.grant.id };
  }

  recordDrop(q: ConsentQuery, reason: string, reports: number): void {
    const k = key(q);
    this.ledger().recordDrop(k.subject, k.purpose, k.recipient, reason, { reports });
  }
}
