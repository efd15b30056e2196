// The ConsentGate: the one question the device gateway asks the consent ledger (which
// arrives with the recovery issue). Until a real ledger is wired in, the default gate
// refuses everything, so location reports are dropped and child devices sync nothing:
// failing closed is the only safe default for consent.
export type ConsentPurpose = 'location' | 'child-sync';

export interface ConsentQuery {
  deviceId: string;
  purpose: ConsentPurpose;
  /** For location: the precision the data has. */
  precision?: 'precise' | 'approximate';
  now: number;
}

export type ConsentDecision = { allowed: true; consentId: string; precision?: 'precise' | 'approximate' } | { allowed: false; reason: string };

export interface ConsentGate {
  check(query: ConsentQuery): ConsentDecision;
  /** Writes a drop to the consent ledger (the gateway also keeps its own count). */
  recordDrop?(query: ConsentQuery, reason: string, reports: number): void;
}

export const refuseAllConsentGate: ConsentGate = {
  check: (q) => ({
    allowed: false,
    reason: q.purpose === 'location' ? 'no live consent to receive location from this device' : "no guardian consent is recorded for this child's device",
  }),
};
