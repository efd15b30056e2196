// Erasure participants: each place outside the local vault that can hold a copy (cloud
// targets, paired phones, export folders) registers one. After the vault has destroyed
// the items' keys and rows, each participant deletes what it holds and reports an outcome
// per location for the receipt. A location with no participant is never silently called
// "erased": it is reported as pending, named, so the person knows it is still there.
import type { Core } from '../core';
import type { LocationOutcome } from '../privacy/receipts';

export interface CopyLocation {
  locationId: number;
  kind: LocationOutcome['kind'];
  name: string;
  ref: string;
  itemIds: string[];
}

export interface ErasureRun {
  /** The erased items (already gone from the local vault). */
  itemIds: string[];
  /** Copies outside the vault, captured before the rows were deleted. */
  copies: CopyLocation[];
  /** Packs that compaction rewrote or deleted (cloud participants delete their objects). */
  packsRemoved: string[];
}

export interface ErasureParticipant {
  /** Which location kinds it answers for ('cloud', 'phone', 'export'). */
  kinds: Array<LocationOutcome['kind']>;
  erase(run: ErasureRun): Promise<LocationOutcome[]>;
}

const registry = new WeakMap<Core, ErasureParticipant[]>();

export function registerErasureParticipant(core: Core, p: ErasureParticipant): () => void {
  const list = registry.get(core) ?? [];
  list.push(p);
  registry.set(core, list);
  return () => registry.set(core, (registry.get(core) ?? []).filter((x) => x !== p));
}

export function erasureParticipants(core: Core): ErasureParticipant[] {
  return [...(registry.get(core) ?? [])];
}
