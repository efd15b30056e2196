// The watch folders of one Core: started when the vault is unlocked (the Core emits
// `vault.changed`; there is no other hook), stopped when it locks, and the add/list/remove
// operations behind the watch.* methods and `keepsake watch`.
import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { WatchFolder } from '../../../../common/contract/watch';
import { KeepsakeError } from '../../../../common/errors';
import type { Core } from '../../core';
import { isInsideStaging } from '../../staging';
import type { Vault } from '../../vault/vault';
import { DEFAULT_TIMINGS, FolderWatch, type WatchTimings } from './folder-watch';
import { deleteWatch, findWatch, findWatchByPath, insertWatch, listWatches, type WatchRow } from './store';

export interface WatchServiceOptions {
  timings?: Partial<WatchTimings>;
  /** false: only keep the list (the CLI, which exits right away). Default true. */
  watch?: boolean;
}

export class WatchService {
  private readonly active = new Map<string, FolderWatch>();
  private vault: Vault | null = null;
  private readonly timings: WatchTimings;
  private readonly unsubscribe: () => void;
  private readonly watching: boolean;

  constructor(
    private readonly core: Core,
    options: WatchServiceOptions = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.watching = options.watch ?? true;
    this.unsubscribe = core.events.subscribe((e) => {
      if (e.name === 'vault.changed') void this.sync();
    });
    void this.sync();
  }

  /** Starts the watches of a newly unlocked vault; stops all when it locked. */
  async sync(): Promise<void> {
    const vault = this.core.vault;
    if (vault === this.vault) return;
    await this.stopAll();
    this.vault = vault;
    if (!vault || !this.watching) return;
    for (const row of listWatches(vault.indexDb)) this.startOne(row);
  }

  /**
   * Adds a watch (sync: the CLI's one-shot process calls it directly). The watch.add
   * handler runs it inside vault.afterWrites so it waits for a storage-worker batch
   * without freezing the event loop.
   */
  add(path: string): WatchFolder {
    const vault = this.requireVault();
    const abs = resolve(path);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new KeepsakeError('NOT_FOUND', 'There is no such folder, or Keepsake cannot read it.');
    }
    if (!isDir) throw new KeepsakeError('BAD_INPUT', 'Choose a folder to watch, not a file.');
    const data = resolve(this.core.dataFolder);
    if (abs === data || isInsideStaging(this.core.dataFolder, abs) || abs.startsWith(data + sep) || data.startsWith(abs + sep)) {
      throw new KeepsakeError('BAD_INPUT', "Keepsake's own data folder cannot be watched (it would import its own files).");
    }
    const existing = findWatchByPath(vault.indexDb, abs);
    if (existing) return this.describe(existing);
    const row = insertWatch(vault.indexDb, abs, this.core.clock.now());
    if (this.watching) this.startOne(row);
    this.core.log.info('watch.added', {});
    return this.describe(row);
  }

  list(): WatchFolder[] {
    const vault = this.requireVault();
    return listWatches(vault.indexDb).map((r) => this.describe(r));
  }

  async remove(id: string): Promise<boolean> {
    const vault = this.requireVault();
    const w = this.active.get(id);
    this.active.delete(id);
    if (w) await w.stop();
    // In turn with the vault's writes: an import's storage-worker batch may hold the index.
    return vault.afterWrites(() => deleteWatch(vault.indexDb, id));
  }

  /** Finds a watch by id or by its folder path (the CLI takes either). */
  find(idOrPath: string): WatchFolder | null {
    const vault = this.requireVault();
    const row = findWatch(vault.indexDb, idOrPath) ?? findWatchByPath(vault.indexDb, resolve(idOrPath));
    return row ? this.describe(row) : null;
  }

  /** The running watch of a folder (tests and "scan now"). */
  running(id: string): FolderWatch | null {
    return this.active.get(id) ?? null;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.stopAll();
    this.vault = null;
  }

  private startOne(row: WatchRow): void {
    const w = new FolderWatch(this.core, row.id, row.path, this.timings);
    this.active.set(row.id, w);
    w.start();
  }

  private async stopAll(): Promise<void> {
    const all = [...this.active.values()];
    this.active.clear();
    await Promise.all(all.map((w) => w.stop()));
  }

  private requireVault(): Vault {
    if (!this.core.vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
    return this.core.vault;
  }

  private describe(r: WatchRow): WatchFolder {
    const w = this.active.get(r.id);
    return { id: r.id, path: r.path, addedAt: r.addedAt, state: w ? 'watching' : 'stopped', mode: w ? w.mode : null, lastScanAt: r.lastScanAt, filesImported: r.filesImported, lastError: r.lastError };
  }
}

const services = new WeakMap<Core, WatchService>();

/**
 * The Core's watch service, created (and subscribed to vault.changed) on first call.
 * Hosts call it once at start-up so watches resume on unlock without any UI open.
 */
export function attachWatchFolders(core: Core, options: WatchServiceOptions = {}): WatchService {
  let s = services.get(core);
  if (!s) {
    s = new WatchService(core, options);
    services.set(core, s);
  }
  return s;
}
