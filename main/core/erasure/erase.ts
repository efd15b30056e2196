// Erasure, end to end (ARCHITECTURE §6): confirm it's you → legal holds honoured → every
// copy found → tombstones written and the items' keys destroyed with their rows (secure
// delete, WAL truncated) → their chunks removed by compaction → every other location told
// (cloud objects deleted, phones notified, exports removed) → a receipt naming every
// location and its outcome. Held items are skipped and named; nothing is claimed that did
// not happen.
import { randomUUID } from 'node:crypto';
import { KeepsakeError } from '../../../common/errors';
import type { JobInfo } from '../../../common/contract/jobs';
import type { Core } from '../core';
import { removeAbandonedReports } from '../privacy-report/abandoned';
import { openVault, receiptBook } from '../privacy/ledgers';
import type { LocationOutcome, Receipt } from '../privacy/receipts';
import { RATE_RULES, type RateLimiter } from '../rate-limit';
import { requireFreshIdentity } from '../security/reverify';
import { purposeKey } from '../vault/keys/purpose-keys';
import { all, get, sql } from '../vault/sql';
import type { Vault } from '../vault/vault';
import { eraseFromCloud } from './cloud-participant';
import { eraseFromExports } from './export-participant';
import { LegalHolds } from './holds';
import { erasureParticipants, type CopyLocation } from './participants';
import { PhoneErasureNotices } from './phone-notices';

export interface EraseRequest {
  itemIds: string[];
  scope: string;
  /** 'retention' for rule runs; 'erasure' otherwise. */
  kind?: 'erasure' | 'retention';
  /** The id the receipt will have (chosen when the job starts, so the caller can fetch that receipt). */
  receiptId?: string;
}

/**
 * Starts the erase job; throws REVERIFY at once if the passphrase was not confirmed recently.
 * `receiptId` is the id of the receipt the job ends with: other receipts can get newer
 * revisions meanwhile (a phone's acknowledgement), so "the newest receipt" is not this one.
 */
export function startErase(core: Core, limiter: RateLimiter, req: EraseRequest): { info: JobInfo; receiptId: string; result: Promise<Receipt> } {
  const vault = openVault(core);
  requireFreshIdentity(core);
  limiter.take('erase', RATE_RULES.erase);
  const receiptId = req.receiptId ?? randomUUID();
  const started = core.jobs.start({
    kind: 'erase',
    title: `Erase ${req.scope}`,
    canPause: false,
    run: async (control) => {
      control.report({ phase: 'Checking legal holds', total: req.itemIds.length, done: 0 });
      return eraseItems(core, vault, { ...req, receiptId }, (phase, done) => control.report(done === undefined ? { phase } : { phase, done }));
    },
    summarize: (r) => (r.complete ? `Erased ${total(r)} item${total(r) === 1 ? '' : 's'}; receipt ${r.id.slice(0, 8)}` : `Erased ${total(r)} item${total(r) === 1 ? '' : 's'}; some locations are pending`),
  });
  started.result.catch(() => undefined);
  return { ...started, receiptId };
}

function total(r: Receipt): number {
  return Object.values(r.counts).reduce((a, b) => a + b, 0);
}

/** The erase itself (also used by retention rules). Returns the receipt. */
export async function eraseItems(core: Core, vault: Vault, req: EraseRequest, report: (phase: string, done?: number) => void = () => undefined): Promise<Receipt> {
  const db = vault.indexDb;
  const requestedAt = core.clock.now();
  // A privacy report killed mid-run left a temporary folder of plaintext copies on the data
  // map: it is deleted whole now, so no copy of these items is left behind it.
  await vault.afterWrites(() => removeAbandonedReports(db));
  const { free, held } = new LegalHolds(db).partition(req.itemIds);

  report('Finding every copy');
  const counts = countByCategory(vault, free);
  const categoryOf = new Map(free.map((id) => [id, get<{ category: string }>(db, sql`SELECT category FROM items WHERE id = ${id}`)?.category ?? ''] as const));
  const copies = captureCopies(vault, free);
  const snapshots = countSnapshots(vault, free);
  const phones = phoneHolders(vault, free);
  const packsBefore = new Set(all<{ id: string }>(db, sql`SELECT id FROM packs`).map((r) => r.id));

  report('Destroying the items’ keys');
  const destroyed = free.length ? await vault.destroyItems(free) : 0;
  report('Removing stored data', destroyed);
  if (free.length) await vault.compact();
  const packsAfter = new Set(all<{ id: string }>(db, sql`SELECT id FROM packs`).map((r) => r.id));
  verifyGone(vault, free);

  const locations: LocationOutcome[] = [];
  const vaultItems = free.length;
  if (vaultItems) {
    locations.push({ location: 'This computer (vault)', kind: 'vault', outcome: 'erased', items: vaultItems, detail: 'Keys destroyed, rows scrubbed, stored chunks removed.' });
  }
  if (snapshots.items) {
    locations.push({ location: `Snapshots (${snapshots.snapshots})`, kind: 'snapshot', outcome: 'erased', items: snapshots.items, detail: 'Removed from every snapshot that listed them.' });
  }

  report('Erasing cloud copies');
  if (free.length) locations.push(...(await eraseFromCloud(core, vault, free.length)));

  report('Deleting export bundles that held them');
  // Index writes outside vault.write take their turn in its queue (an import's storage-worker batch may hold the index).
  locations.push(...(await vault.afterWrites(() => eraseFromExports(db, copies.filter((c) => c.kind === 'export'), (ids) => new Set(ids.map((id) => categoryOf.get(id) ?? ''))))));

  for (const p of phones) {
    locations.push({ location: p.name, kind: 'phone', deviceId: p.deviceId, outcome: 'pending', items: p.items, detail: 'The phone is told at its next sync and deletes its own copy as its settings say; this receipt gets a new revision when it confirms.' });
  }

  report('Erasing other copies');
  const outside = copies.filter((c) => c.kind !== 'vault' && c.kind !== 'cloud' && c.kind !== 'export');
  const participants = erasureParticipants(core);
  const handled = new Set<CopyLocation>();
  for (const p of participants) {
    const mine = outside.filter((c) => p.kinds.includes(c.kind));
    mine.forEach((c) => handled.add(c));
    try {
      locations.push(...(await p.erase({ itemIds: free, copies: mine, packsRemoved: [...packsBefore].filter((id) => !packsAfter.has(id)) })));
    } catch (e) {
      for (const c of mine) {
        locations.push({ location: c.name, kind: c.kind, outcome: 'pending', items: c.itemIds.length, detail: `Could not be reached yet (${e instanceof Error ? e.message : String(e)}); Keepsake will retry. The copy there stays encrypted under a key that no longer exists.` });
      }
    }
  }
  for (const c of outside.filter((c) => !handled.has(c))) {
    locations.push({ location: c.name, kind: c.kind, outcome: 'pending', items: c.itemIds.length, detail: 'Keepsake has not been able to reach this location yet.' });
  }
  if (held.length) {
    locations.push({ location: 'Items under legal hold', kind: 'vault', outcome: 'held', items: held.length, detail: 'Not erased: release the hold first.' });
  }
  if (!free.length && !held.length) throw new KeepsakeError('NOT_FOUND', 'None of these items exist any more.');

  core.log.info('erase.done', { items: free.length, held: held.length, locations: locations.length });
  report('Writing the receipt', destroyed);
  return vault.afterWrites(() => {
    const receipt = receiptBook(core).issue({ kind: req.kind ?? 'erasure', scope: req.scope, requestedAt, counts, locations }, req.receiptId);
    // Each phone learns of the erasure at its next sync; its acknowledgement revises this receipt.
    const notices = new PhoneErasureNotices(db, purposeKey(vault.masterKey, 'ledger'), () => core.clock.now());
    for (const p of phones) notices.record(receipt.id, p.deviceId, p.name, p.deviceItemIds);
    return receipt;
  });
}

function countByCategory(vault: Vault, ids: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) {
    const r = get<{ category: string }>(vault.indexDb, sql`SELECT category FROM items WHERE id = ${id}`);
    if (r) out[r.category] = (out[r.category] ?? 0) + 1;
  }
  return out;
}

/** Every location outside the item rows that holds a copy, read before the rows go. */
export function captureCopies(vault: Vault, ids: string[]): CopyLocation[] {
  const byLocation = new Map<number, CopyLocation>();
  for (const id of ids) {
    for (const r of all<{ id: number; kind: CopyLocation['kind']; name: string; ref: string }>(
      vault.indexDb,
      sql`SELECT l.id, l.kind, l.name, l.ref FROM copies c JOIN locations l ON l.id = c.location_id WHERE c.item_id = ${id} AND c.state != 'erased'`,
    )) {
      const loc = byLocation.get(r.id) ?? { locationId: r.id, kind: r.kind, name: r.name, ref: r.ref, itemIds: [] };
      loc.itemIds.push(id);
      byLocation.set(r.id, loc);
    }
  }
  return [...byLocation.values()];
}

interface PhoneHolder {
  deviceId: string;
  name: string;
  items: number;
  /** The phone's own ids (paths) for these items, from what it synced. */
  deviceItemIds: string[];
}

/** Paired phones the items came from (they may still hold their own copies), read before the rows go. */
function phoneHolders(vault: Vault, ids: string[]): PhoneHolder[] {
  const db = vault.indexDb;
  const synced = !!get(db, sql`SELECT 1 AS x FROM sqlite_master WHERE name = 'device_items'`);
  const byDevice = new Map<string, PhoneHolder>();
  for (const id of ids) {
    const r = get<{ device_id: string; name: string | null }>(
      db,
      sql`SELECT i.device_id, (SELECT p.name FROM device_pairings p WHERE p.device_id = i.device_id) AS name FROM items i WHERE i.id = ${id}`,
    );
    if (!r?.name) continue;
    const e = byDevice.get(r.device_id) ?? { deviceId: r.device_id, name: r.name, items: 0, deviceItemIds: [] };
    e.items++;
    if (synced) e.deviceItemIds.push(...all<{ item_id: string }>(db, sql`SELECT item_id FROM device_items WHERE device_id = ${r.device_id} AND vault_item_id = ${id}`).map((x) => x.item_id));
    byDevice.set(r.device_id, e);
  }
  return [...byDevice.values()];
}

function countSnapshots(vault: Vault, ids: string[]): { items: number; snapshots: number } {
  // snapshot rows are keyed by snapshot first (migration 0990): one primary-key search per snapshot, not a scan
  const snaps = new Set<number>();
  let items = 0;
  for (const id of ids) {
    const rows = all<{ snapshot_id: number }>(vault.indexDb, sql`SELECT DISTINCT snapshot_id FROM snapshot_items WHERE snapshot_id IN (SELECT id FROM snapshots) AND item_id = ${id}`);
    if (rows.length) items++;
    rows.forEach((r) => snaps.add(r.snapshot_id));
  }
  return { items, snapshots: snaps.size };
}

/** After destroy + compact nothing of the items may remain in the index. */
function verifyGone(vault: Vault, ids: string[]): void {
  for (const id of ids) {
    const left = get<{ n: number }>(
      vault.indexDb,
      sql`SELECT (SELECT count(*) FROM items WHERE id = ${id}) + (SELECT count(*) FROM chunks WHERE item_id = ${id}) + (SELECT count(*) FROM files WHERE item_id = ${id}) AS n`,
    );
    if (left && left.n > 0) throw new KeepsakeError('INTERNAL', 'Erasure could not remove every trace of an item; nothing was reported as erased.');
  }
}
