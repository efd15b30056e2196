// Location sharing is allowed only under a live consent, at no more than its precision.
// Every point that is refused is dropped (never stored) and the drop is written to the
// consent ledger with its reason. "Approximate" means rounded to 0.01° (about 1 km) — a
// precise point offered under an approximate consent is coarsened, never passed through.
import type { ConsentLedger } from './consent-ledger';

export interface LatLon {
  lat: number;
  lon: number;
}

export type GateResult = { shared: true; point: LatLon; precision: 'precise' | 'approximate' } | { shared: false; reason: string };

/** Rounds to about 1 km (0.01° of latitude ≈ 1.1 km). */
export function coarsen(p: LatLon): LatLon {
  const round = (v: number): number => Math.round(v * 100) / 100;
  return { lat: round(p.lat), lon: round(p.lon) };
}

export function gateLocation(ledger: ConsentLedger, purpose: string, recipient: string, point: LatLon): GateResult {
  if (!Number.isFinite(point.lat) || !Number.isFinite(point.lon) || Math.abs(point.lat) > 90 || Math.abs(point.lon) > 180) {
    ledger.recordDrop('location', purpose, recipient, 'the location was not a valid coordinate');
    return { shared: false, reason: 'not a valid coordinate' };
  }
  const consent = ledger.active('location', purpose, recipient);
  if (!consent.live) {
    ledger.recordDrop('location', purpose, recipient, consent.reason);
    return { shared: false, reason: consent.reason };
  }
  switch (consent.grant.precision) {
    case 'precise':
      return { shared: true, point, precision: 'precise' };
    case 'approximate':
      return { shared: true, point: coarsen(point), precision: 'approximate' };
    case 'none':
      ledger.recordDrop('location', purpose, recipient, 'the consent allows no location');
      return { shared: false, reason: 'the consent allows no location' };
  }
}
