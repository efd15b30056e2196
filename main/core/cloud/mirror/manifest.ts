// The cloud manifest: the one sealed record that says which objects make up the newest
// complete copy of the vault — every pack (name, size, SHA-256), the index segments, the
// key-slot file — and carries a counter that only ever grows. It is written last, after
// everything it names has been uploaded and verified, into one of two alternating slots
// (counter even → "a", odd → "b"), so an overwrite never leaves the target without a
// readable manifest, even on servers whose overwrite is delete-then-move (webdav-server).
// Rollback: the highest counter a computer has seen is remembered locally; a target whose
// newest manifest is lower was rolled back (or swapped for an older copy) and is refused.
import * as z from 'zod';
import { KeepsakeError, isKeepsakeError } from '../../../../common/errors';
import { withRetry, type RetryPolicy } from '../retry';
import type { CloudTarget } from '../target';
import { objectName, open, seal, sha256, type CloudKeys } from './cloud-crypto';

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
export const ObjectRef = z.object({ name: Hex64, size: z.number().int().nonnegative(), sha256: Hex64 });
export type ObjectRef = z.infer<typeof ObjectRef>;

export const Manifest = z.object({
  format: z.literal('keepsake-cloud-manifest'),
  /** 1: one sealed object per index segment; 2: segments in bundles, with a table (index-bundles.ts). */
  version: z.union([z.literal(1), z.literal(2)]),
  vaultId: z.string().min(1),
  counter: z.number().int().positive(),
  createdAt: z.number(),
  packs: z.array(ObjectRef.extend({ id: z.string().regex(/^[0-9a-f]{8,128}$/) })),
  index: z.object({
    size: z.number().int().nonnegative(),
    segmentSize: z.number().int().positive(),
    /**
     * The sealed objects holding the index; `mac` is the keyed MAC of each one's plaintext.
     * Without a table (version 1) one object per segment, in order.
     */
    segments: z.array(ObjectRef.extend({ mac: Hex64 })),
    /** Version 2: per segment, where it is (base64; see index-bundles.ts). */
    table: z.string().optional(),
    /** Version 2: the vault's erasure mark when this copy was taken; a new one means carry nothing over. */
    erasures: z.string().optional(),
  }),
  keySlots: ObjectRef.nullable(),
});
export type Manifest = z.infer<typeof Manifest>;

export type ManifestSlot = 'a' | 'b';
export const slotFor = (counter: number): ManifestSlot => (counter % 2 === 0 ? 'a' : 'b');
export const manifestLogical = (slot: ManifestSlot): string => `manifest/${slot}`;

export function manifestNames(keys: CloudKeys): Record<ManifestSlot, string> {
  return { a: objectName(keys, manifestLogical('a')), b: objectName(keys, manifestLogical('b')) };
}

export function sealManifest(keys: CloudKeys, m: Manifest): { name: string; body: Buffer } {
  const slot = slotFor(m.counter);
  return { name: objectName(keys, manifestLogical(slot)), body: seal(keys, 'manifest', manifestLogical(slot), Buffer.from(JSON.stringify(m), 'utf8')) };
}

export function openManifest(keys: CloudKeys, slot: ManifestSlot, body: Buffer): Manifest {
  const plain = open(keys, 'manifest', manifestLogical(slot), body);
  const parsed = Manifest.safeParse(JSON.parse(plain.toString('utf8')));
  if (!parsed.success) throw new KeepsakeError('CORRUPT', 'The cloud manifest is not in a format this Keepsake understands.');
  if ((parsed.data.version === 2) !== (parsed.data.index.table !== undefined)) throw new KeepsakeError('CORRUPT', 'The cloud manifest is not in a format this Keepsake understands.');
  if (slotFor(parsed.data.counter) !== slot) throw new KeepsakeError('CORRUPT', 'A cloud manifest was found in the wrong place: the target was tampered with.');
  return parsed.data;
}

export interface RemoteManifests {
  /** The newest manifest that opened, or null when the target holds none. */
  newest: Manifest | null;
  /** The other slot's manifest (the previous copy), kept restorable until the next one. */
  previous: Manifest | null;
}

/**
 * Reads both slots. A slot that is simply missing is fine; a slot that cannot be read
 * (network) fails the whole read — "could not look" is never "nothing there".
 */
export async function readRemoteManifests(target: CloudTarget, keys: CloudKeys, vaultId: string | null, signal?: AbortSignal): Promise<RemoteManifests> {
  const names = manifestNames(keys);
  const found: Manifest[] = [];
  let damaged: KeepsakeError | null = null;
  // Both slots at once (one round trip); any failure but NOT_FOUND fails the whole read.
  const fetchSlot = (slot: ManifestSlot): Promise<Buffer | null> =>
    target.get(names[slot], undefined, signal).catch((e: unknown) => {
      if (isKeepsakeError(e) && e.code === 'NOT_FOUND') return null;
      throw e;
    });
  const bodies = await Promise.all([fetchSlot('a'), fetchSlot('b')]);
  for (const [i, slot] of (['a', 'b'] as const).entries()) {
    const body = bodies[i];
    if (!body) continue;
    try {
      const m = openManifest(keys, slot, body);
      if (vaultId !== null && m.vaultId !== vaultId) throw new KeepsakeError('CORRUPT', 'The cloud target holds a different vault: Keepsake will not mix them.');
      found.push(m);
    } catch (e) {
      damaged = isKeepsakeError(e) ? e : new KeepsakeError('CORRUPT', 'A cloud manifest is damaged.');
    }
  }
  found.sort((x, y) => y.counter - x.counter);
  if (found.length === 0 && damaged) throw damaged;
  return { newest: found[0] ?? null, previous: found[1] ?? null };
}

/**
 * Re-reads before an older manifest counts as a rollback: an eventually consistent store
 * can serve the previous copy of an overwritten slot for a while (RELIABILITY row 14), and
 * "your cloud copy was rolled back" is an alarm that must not go off for that.
 */
export const STALE_READ_WAITS_MS = [1000, 2000, 4000, 8000] as const;

/** Reads the manifests; an older one than seen here is re-read after each wait, then refused. */
export async function readCurrentManifests(target: CloudTarget, keys: CloudKeys, vaultId: string | null, highestSeen: number, policy: RetryPolicy, signal?: AbortSignal): Promise<RemoteManifests> {
  for (let i = 0; ; i++) {
    const remote = await withRetry(() => readRemoteManifests(target, keys, vaultId, signal), policy, signal);
    const wait = STALE_READ_WAITS_MS[i];
    if ((remote.newest?.counter ?? 0) >= highestSeen || wait === undefined) {
      checkNotRolledBack(remote.newest, highestSeen, target.description);
      return remote;
    }
    await policy.sleep(wait, signal);
  }
}

export function checkNotRolledBack(newest: Manifest | null, highestSeen: number, what: string): void {
  const remote = newest?.counter ?? 0;
  if (remote < highestSeen) {
    throw new KeepsakeError(
      'CORRUPT',
      `${what} holds an older copy of the vault (version ${remote}) than this computer has already seen (version ${highestSeen}). It may have been rolled back or replaced. Nothing was changed; check the target before syncing again.`,
      { rollback: true, remote, highestSeen },
    );
  }
}

export { sha256 };
