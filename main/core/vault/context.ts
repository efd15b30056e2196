// What every vault module works with once the vault is open: the layout, the index
// connection, the purpose keys, the clock and the file-system operations. Kept in one
// object so the Vault class stays a thin façade over small single-purpose modules.
import { createHmac } from 'node:crypto';
import { purposeKey } from './keys/purpose-keys';
import type { Chunker } from './chunker';
import type { DurableFs } from './durable-fs';
import { NonceBudget } from './item-crypto';
import type { VaultLayout } from './layout';
import type { SealPool } from './seal-pool';
import { get, run, sql, type Db } from './sql';

export interface VaultKeys {
  chunkId: Buffer;
  itemWrap: Buffer;
  packHeader: Buffer;
  /** Keyed MAC for item fingerprints (dedup and tombstones), separate from chunk ids. */
  fingerprint: Buffer;
}

export interface VaultContext {
  layout: VaultLayout;
  db: Db;
  keys: VaultKeys;
  chunker: Chunker;
  fs: DurableFs;
  now(): number;
  vaultId: string;
  budgets: { itemWrap: NonceBudget; packHeader: NonceBudget };
  /** Worker threads for sealing large files; null when they are unavailable or turned off. */
  sealPool(): SealPool | null;
  closeSealPool(): void;
}

export function deriveVaultKeys(masterKey: Buffer): VaultKeys {
  const chunkId = purposeKey(masterKey, 'chunk-id');
  return {
    chunkId,
    itemWrap: purposeKey(masterKey, 'item-key-wrap'),
    packHeader: purposeKey(masterKey, 'pack-header'),
    fingerprint: createHmac('sha256', chunkId).update('keepsake/item-fingerprint/v1').digest(),
  };
}

export function wipeKeys(keys: VaultKeys): void {
  for (const k of Object.values(keys)) k.fill(0);
}

/** Loads the per-key encryption counters kept in key_usage. */
export function loadBudget(db: Db, purpose: string): NonceBudget {
  const row = get<{ uses: number }>(db, sql`SELECT uses FROM key_usage WHERE purpose = ${purpose}`);
  return new NonceBudget(row?.uses ?? 0);
}

export function saveBudgets(ctx: VaultContext): void {
  for (const [purpose, b] of [['item-key-wrap', ctx.budgets.itemWrap], ['pack-header', ctx.budgets.packHeader]] as const) {
    run(ctx.db, sql`INSERT INTO key_usage (purpose, uses) VALUES (${purpose}, ${b.uses}) ON CONFLICT (purpose) DO UPDATE SET uses = excluded.uses`);
  }
}
