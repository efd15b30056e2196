// The vault: one open, unlocked, encrypted store of items. A thin façade that holds the
// process lock, the index connection and the purpose keys, serialises writes, and hands
// the work to small modules (item-store, item-read, folder-backup, vault-check,
// compaction, snapshots). docs/vault.md describes formats and guarantees.
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import type { JobControl } from '../jobs/job-manager';
import type { MediaSource } from '../media';
import { ensurePrivateDir } from '../paths';
import { clearCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoints';
import { Chunker, DEFAULT_CHUNKER, type ChunkerParams } from './chunker';
import { clearTmp, compact, type CompactHooks, destroyItems } from './compaction';
import { deriveVaultKeys, loadBudget, wipeKeys, type VaultContext } from './context';
import { dbError, realFs, type DurableFs } from './durable-fs';
import { backupFolder, restoreSnapshot } from './folder-backup';
import { attachCheckpointer, BackgroundCheckpointer, closeCheckpointer, openIndexDb } from './index-db';
import { getItem, listItems, media, readFile, search } from './item-read';
import { putItems, type CommitHook, type IngestItem } from './item-store';
import type { RecordItem } from './record-store';
import { closeStorageWorker, storeRecords } from './storage-worker';
import { createKeySlots, unlockKeySlots, type Credential } from './keys/key-slots';
import { readSlotFile, verifySlotFileMac } from './keys/slot-file';
import { purposeKey } from './keys/purpose-keys';
import { vaultLayout, type VaultLayout } from './layout';
import { ProcessLock } from './process-lock';
import { SealPool } from './seal-pool';
import { repairVault, type RepairReport } from './repair';
import { createSnapshot, listSnapshots } from './snapshots';
import { get, all, sql, run } from './sql';
import { checkVault, type CheckOptions } from './vault-check';
import type { BackupReport, CheckReport, CompactReport, FileRole, ItemQuery, ItemRecord, ItemSummary, ItemUpdate, NewItem, PutResult, SearchHit, SnapshotInfo, VaultStats } from './types';

export interface VaultOptions {
  /** Cheap Argon2 parameters: unit tests only. */
  fastKdfForTests?: boolean;
  clock?: { now(): number };
  /** Tests: record or fail file operations. */
  fs?: DurableFs;
  /** Tests: smaller chunks so small fixtures exercise chunking. */
  chunker?: ChunkerParams;
  /** Seal large files on worker threads (default true). */
  workers?: boolean;
}

type Control = Pick<JobControl, 'report' | 'checkpoint'>;

/**
 * Which vault's write-queue turn the running code holds: set for the whole async chain of
 * a queued write (commit hooks, the work it awaits). afterWrites() called inside that
 * chain must not queue behind the task it is part of — that would wait on itself.
 * `active` goes false when the write ends: a timer or emitter created inside it inherits
 * the context, and when it fires later it must queue like any other caller.
 */
interface Turn {
  vault: Vault;
  active: boolean;
}
const turnOf = new AsyncLocalStorage<Turn>();

export class Vault {
  private closed = false;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly itemListeners = new Set<() => void>();

  private constructor(
    private readonly ctx: VaultContext,
    private readonly lock: ProcessLock,
    private readonly master: Buffer,
  ) {}

  /**
   * The master key while unlocked, for the key-slot services (change passphrase, rotate
   * the recovery key, re-verification: main/core/security/vault-keys.ts). Wiped on close.
   */
  get masterKey(): Buffer {
    return this.live() && this.master;
  }

  get id(): string {
    return this.ctx.vaultId;
  }

  get layout(): VaultLayout {
    return this.ctx.layout;
  }

  static exists(dataFolder: string): boolean {
    return existsSync(vaultLayout(dataFolder).keySlots);
  }

  static async create(dataFolder: string, passphrase: string, opts: VaultOptions = {}): Promise<{ vault: Vault; recoveryKey: string }> {
    const layout = vaultLayout(dataFolder);
    if (Vault.exists(dataFolder)) throw new KeepsakeError('CONFLICT', 'A vault already exists in this data folder.');
    prepareDirs(layout);
    const lock = ProcessLock.acquire(layout.lock);
    try {
      const { masterKey, recoveryKey, vaultId } = await createKeySlots(layout, passphrase, slotOpts(opts));
      const vault = Vault.openWithKey(layout, masterKey, vaultId, lock, opts);
      return { vault, recoveryKey };
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  static async open(dataFolder: string, credential: Credential, opts: VaultOptions = {}): Promise<Vault> {
    const layout = vaultLayout(dataFolder);
    if (!Vault.exists(dataFolder)) throw new KeepsakeError('VAULT_MISSING', 'There is no vault in this data folder yet. Create one first (keepsake init).');
    prepareDirs(layout);
    const lock = ProcessLock.acquire(layout.lock);
    try {
      const { masterKey, vaultId } = await unlockKeySlots(layout, credential, slotOpts(opts));
      return Vault.openWithKey(layout, masterKey, vaultId, lock, opts);
    } catch (e) {
      lock.release();
      throw dbError(e);
    }
  }

  /**
   * Opens the vault with a master key already recovered elsewhere (the CLI session holder,
   * main/core/vault/session/): no KDF. The key must seal this vault's key-slot file (its
   * MAC), else WRONG_PASSPHRASE — the caller then asks for the passphrase. Takes ownership
   * of `masterKey`: it is wiped on failure and on close.
   */
  static openWithMasterKey(dataFolder: string, masterKey: Buffer, opts: VaultOptions = {}): Vault {
    const layout = vaultLayout(dataFolder);
    if (!Vault.exists(dataFolder)) {
      masterKey.fill(0);
      throw new KeepsakeError('VAULT_MISSING', 'There is no vault in this data folder yet. Create one first (keepsake init).');
    }
    let lock: ProcessLock;
    try {
      prepareDirs(layout);
      lock = ProcessLock.acquire(layout.lock);
    } catch (e) {
      masterKey.fill(0);
      throw e;
    }
    try {
      const file = readSlotFile(layout.keySlots);
      try {
        verifySlotFileMac(file, masterKey);
      } catch {
        masterKey.fill(0);
        throw new KeepsakeError('WRONG_PASSPHRASE', 'The key offered does not open this vault.');
      }
      return Vault.openWithKey(layout, masterKey, file.body.vaultId, lock, opts);
    } catch (e) {
      masterKey.fill(0);
      lock.release();
      throw dbError(e);
    }
  }

  private static openWithKey(layout: VaultLayout, masterKey: Buffer, vaultId: string, lock: ProcessLock, opts: VaultOptions): Vault {
    const keys = deriveVaultKeys(masterKey);
    let db;
    try {
      db = openIndexDb(layout.index, indexKey(masterKey));
    } catch (e) {
      masterKey.fill(0);
      wipeKeys(keys);
      throw e;
    }
    try {
      return Vault.finishOpen(layout, db, keys, masterKey, vaultId, lock, opts);
    } catch (e) {
      db.close();
      masterKey.fill(0);
      wipeKeys(keys);
      throw dbError(e);
    }
  }

  private static finishOpen(layout: VaultLayout, db: VaultContext['db'], keys: VaultContext['keys'], masterKey: Buffer, vaultId: string, lock: ProcessLock, opts: VaultOptions): Vault {
    const recorded = get<{ value: string }>(db, sql`SELECT value FROM meta WHERE key = 'vault_id'`);
    if (!recorded) run(db, sql`INSERT INTO meta (key, value) VALUES ('vault_id', ${vaultId})`);
    else if (recorded.value !== vaultId) {
      throw new KeepsakeError('CORRUPT', 'The vault index belongs to a different vault than the key file.');
    }
    const clock = opts.clock ?? { now: () => Date.now() };
    let pool: SealPool | null | undefined;
    const ctx: VaultContext = {
      layout,
      db,
      keys,
      chunker: new Chunker(opts.chunker ?? DEFAULT_CHUNKER, keys.chunkId),
      fs: opts.fs ?? realFs,
      now: () => clock.now(),
      vaultId,
      budgets: { itemWrap: loadBudget(db, 'item-key-wrap'), packHeader: loadBudget(db, 'pack-header') },
      sealPool: () => {
        // A crashed worker (out of memory, killed) fails the files it held; the files
        // after them get a fresh pool instead of the broken one's error until the lock.
        if (pool?.broken) {
          pool.close();
          pool = undefined;
        }
        if (pool === undefined) {
          try {
            pool = opts.workers === false ? null : new SealPool();
          } catch {
            pool = null; // no worker threads here: seal on this thread
          }
        }
        return pool;
      },
      closeSealPool: () => {
        pool?.close();
        pool = null;
      },
    };
    clearTmp(ctx);
    attachCheckpointer(db, new BackgroundCheckpointer(layout.index, () => indexKey(masterKey)));
    // Orphan packs (a batch cut short before its commit) are left for compact(): deleting
    // at open would also delete packs an index rolled back to an older copy no longer
    // lists, and those are what a rebuild from pack headers needs (RELIABILITY rule 2).
    return new Vault(ctx, lock, masterKey);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ctx.closeSealPool();
      closeStorageWorker(this.ctx);
      closeCheckpointer(this.ctx.db); // first, so the connection's close below is the last and removes the WAL
      this.ctx.db.close();
    } finally {
      wipeKeys(this.ctx.keys);
      this.master.fill(0);
      this.lock.release();
    }
  }

  // ---- items -------------------------------------------------------------------------

  /**
   * Stores a batch in one transaction; resolves only once it is durable. `inCommit` writes a
   * caller's own rows in that same transaction (a phone's acks: one commit, one fsync; a
   * throw from it rolls the batch back).
   */
  putItems(batch: NewItem[], inCommit?: CommitHook): Promise<PutResult[]> {
    return this.announce(this.write(() => putItems(this.ctx, batch, inCommit)));
  }

  /** Row-only items (no files) in one transaction, the bulk path (record-store.ts); durable when it resolves. */
  putRecords(batch: readonly RecordItem[]): Promise<PutResult[]> {
    return this.announce(this.write(() => storeRecords(this.ctx, batch, () => indexKey(this.master))));
  }

  /**
   * Runs a short synchronous write on indexDb in turn with the vault's writes, so it waits
   * for a storage-worker batch without blocking (storage-worker.ts); resolves once `fn`
   * has run (its own transaction committed). Called from inside a queued write (a commit
   * hook, code a write awaits) it runs `fn` at once, synchronously: that write already
   * holds the turn, and queueing behind it would wait on itself for ever.
   */
  afterWrites<T>(fn: () => T): Promise<T> {
    if (this.holdsWriteTurn) {
      try {
        return Promise.resolve(fn());
      } catch (e) {
        return Promise.reject(dbError(e));
      }
    }
    return this.write(async () => fn());
  }

  /** True while the calling code runs inside one of this vault's queued writes (tests, call sites that must not queue). */
  get holdsWriteTurn(): boolean {
    const turn = turnOf.getStore();
    return turn?.vault === this && turn.active;
  }

  getItem(id: string): ItemRecord | null {
    return getItem(this.live(), id);
  }

  listItems(query: ItemQuery = {}): Array<ItemSummary & { cursor: number }> {
    return listItems(this.live(), query);
  }

  /** Stores a new version of an item (unchanged parts carried over; files too unless given). */
  updateItem(id: string, changes: ItemUpdate): Promise<PutResult> {
    return this.announce(this.write(async () => {
      const cur = getItem(this.ctx, id);
      if (!cur) throw new KeepsakeError('NOT_FOUND', 'There is no such item.');
      const source = cur.sources[0];
      if (!source) throw new KeepsakeError('CORRUPT', 'The item has no source record.');
      const files = changes.files ?? cur.files.map((f) => ({ role: f.role, name: f.name, mime: f.mime, data: () => readFile(this.ctx, id, f.role, f.ordinal) }));
      const next: IngestItem = {
        category: cur.category,
        deviceId: source.deviceId,
        sourceKey: source.sourceKey,
        title: changes.title ?? cur.title,
        text: changes.text ?? cur.text,
        fields: changes.fields ?? cur.fields,
        personal: cur.personal,
        files,
        ...(changes.occurredAt !== undefined ? { occurredAt: changes.occurredAt } : cur.occurredAt !== null ? { occurredAt: cur.occurredAt } : {}),
        ...(changes.location ? { location: changes.location } : cur.location ? { location: cur.location } : {}),
      };
      const [r] = await putItems(this.ctx, [next]);
      return r!;
    }));
  }

  readFile(itemId: string, role: FileRole = 'original', ordinal = 0): Readable {
    return readFile(this.live(), itemId, role, ordinal);
  }

  async media(id: string): Promise<MediaSource | null> {
    return this.closed ? null : media(this.ctx, id);
  }

  search(q: string, opts: { limit?: number; category?: Category } = {}): SearchHit[] {
    return search(this.live(), q, opts);
  }

  // ---- snapshots, backup, restore ----------------------------------------------------

  createSnapshot(opts: { deviceId?: string; label?: string; kind?: string } = {}): Promise<SnapshotInfo> {
    return this.write(async () => createSnapshot(this.ctx, opts));
  }

  listSnapshots(): SnapshotInfo[] {
    return listSnapshots(this.live());
  }

  backupFolder(dir: string, opts: { control?: Control } = {}): Promise<BackupReport> {
    return this.announce(this.write(() => backupFolder(this.ctx, dir, opts.control)));
  }

  restoreSnapshot(id: number | 'latest', dir: string, opts: { control?: Control } = {}): Promise<{ files: number; bytes: number }> {
    return restoreSnapshot(this.live(), id, dir, opts.control);
  }

  // ---- maintenance -------------------------------------------------------------------

  check(opts: CheckOptions & { control?: Control } = {}): Promise<CheckReport> {
    return this.write(() => checkVault(this.ctx, opts, opts.control));
  }

  /** Full-read check, then (after copying what it touches) removes items whose data is lost. */
  repair(): Promise<RepairReport> {
    return this.announce(this.write(() => repairVault(this.ctx)));
  }

  compact(opts: CompactHooks = {}): Promise<CompactReport> {
    return this.write(async () => compact(this.ctx, opts));
  }

  /** Erasure primitive: tombstones, key and rows gone now; chunks at the next compact(). */
  destroyItems(ids: string[]): Promise<number> {
    return this.announce(this.write(async () => destroyItems(this.ctx, ids)));
  }

  /** Resume points of long jobs (see checkpoints.ts). */
  checkpoint<T>(kind: string, key: string): T | null {
    return loadCheckpoint<T>(this.live(), kind, key);
  }

  saveCheckpoint(kind: string, key: string, state: unknown): void {
    saveCheckpoint(this.live(), kind, key, state);
  }

  clearCheckpoint(kind: string, key: string): void {
    clearCheckpoint(this.live(), kind, key);
  }

  stats(): VaultStats {
    const db = this.live().db;
    const one = <T>(q: ReturnType<typeof sql>): T => get<T>(db, q)!;
    const byCategory: Record<string, number> = {};
    for (const r of all<{ category: string; n: number }>(db, sql`SELECT category, count(*) AS n FROM items GROUP BY category`)) byCategory[r.category] = r.n;
    const files = one<{ n: number; bytes: number | null }>(sql`SELECT count(*) AS n, sum(f.size) AS bytes FROM files f JOIN items i ON i.id = f.item_id AND i.version = f.version`);
    const packs = one<{ n: number; bytes: number | null }>(sql`SELECT count(*) AS n, sum(size) AS bytes FROM packs`);
    const snaps = one<{ n: number; last: number | null }>(sql`SELECT count(*) AS n, max(created_at) AS last FROM snapshots`);
    return {
      vaultId: this.ctx.vaultId,
      items: one<{ n: number }>(sql`SELECT count(*) AS n FROM items`).n,
      byCategory,
      files: files.n,
      logicalBytes: files.bytes ?? 0,
      storedBytes: packs.bytes ?? 0,
      packs: packs.n,
      chunks: one<{ n: number }>(sql`SELECT count(*) AS n FROM chunks`).n,
      snapshots: snaps.n,
      lastSnapshotAt: snaps.last,
      tombstones: one<{ n: number }>(sql`SELECT count(*) AS n FROM tombstones`).n,
    };
  }

  /** For tests and the repair tooling: the live index connection. */
  get indexDb(): VaultContext['db'] {
    return this.live().db;
  }

  private live(): VaultContext {
    if (this.closed) throw new KeepsakeError('VAULT_LOCKED', 'The vault is locked.');
    return this.ctx;
  }

  /** Writes run one at a time, in call order. */
  /** Calls `listener` after each write that may have added, changed or removed items; returns the unsubscribe function. */
  onItemsChanged(listener: () => void): () => void {
    this.itemListeners.add(listener);
    return () => this.itemListeners.delete(listener);
  }

  /** Tells the listeners once `done` has committed (a failed write may still have stored a batch before it). */
  private announce<T>(done: Promise<T>): Promise<T> {
    const tell = (): void => {
      for (const l of this.itemListeners) {
        try {
          l();
        } catch {
          // a listener's failure is not the write's
        }
      }
    };
    done.then(tell, tell);
    return done;
  }

  private write<T>(fn: () => Promise<T>): Promise<T> {
    this.live();
    const next = this.writes.then(() => {
      const turn: Turn = { vault: this, active: true };
      return turnOf.run(turn, async () => {
        try {
          this.live();
          try {
            return await fn();
          } catch (e) {
            throw dbError(e);
          }
        } finally {
          turn.active = false;
        }
      });
    });
    this.writes = next.catch(() => undefined);
    return next;
  }
}

function prepareDirs(layout: VaultLayout): void {
  ensurePrivateDir(layout.root);
  for (const d of [layout.packs, layout.tmp]) mkdirSync(d, { recursive: true, mode: 0o700 });
}

function slotOpts(opts: VaultOptions): { fastKdfForTests?: boolean } {
  return opts.fastKdfForTests ? { fastKdfForTests: true } : {};
}

function indexKey(masterKey: Buffer): Buffer {
  return purposeKey(masterKey, 'index-db');
}
