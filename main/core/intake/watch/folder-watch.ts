// Watching one folder: node:fs.watch (recursive where the platform supports it) wakes a
// look soon after something changes, and a periodic rescan catches what events miss
// (network shares, some Linux filesystems, and fs.watch on Linux drops events under load).
// Files are imported only once settled (SettleTracker), one import job per burst, never
// two at once for the same folder; what was imported is remembered by size and mtime.
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import { isKeepsakeError } from '../../../../common/errors';
import type { Core } from '../../core';
import { launchImport } from '../import-job';
import { listFiles, SettleTracker } from './scan';
import { importedFiles, recordImported, recordScan } from './store';
import type { Vault } from '../../vault/vault';

export interface WatchTimings {
  /** Quiet time after a file-system event before looking (a burst becomes one look). */
  debounceMs: number;
  /** How long size and mtime must stay the same before a file is imported. */
  settleMs: number;
  /** Periodic rescan, for changes fs.watch does not report. */
  rescanMs: number;
}

export const DEFAULT_TIMINGS: WatchTimings = { debounceMs: 2_000, settleMs: 5_000, rescanMs: 60_000 };

export class FolderWatch {
  mode: 'events' | 'rescan' = 'rescan';
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private rescanTimer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly tracker: SettleTracker;
  /** Settles when the current look (and the import it started) is over; for tests and stop(). */
  idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly core: Core,
    readonly id: string,
    readonly path: string,
    private readonly timings: WatchTimings,
  ) {
    this.tracker = new SettleTracker(timings.settleMs);
  }

  start(): void {
    try {
      // Recursive watching works on macOS and Windows, and on Linux from Node 20.
      this.watcher = watch(this.path, { recursive: true, persistent: false }, () => this.schedule(this.timings.debounceMs));
      this.watcher.on('error', () => {
        // The folder was removed or the watch broke: the periodic rescan carries on.
        this.closeWatcher();
        this.mode = 'rescan';
      });
      this.mode = 'events';
    } catch {
      this.mode = 'rescan';
    }
    this.rescanTimer = setInterval(() => this.schedule(0), this.timings.rescanMs);
    this.rescanTimer.unref();
    this.schedule(0);
  }

  /** Stops watching; waits for a running import to end (the job manager stops jobs on lock). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closeWatcher();
    if (this.timer) clearTimeout(this.timer);
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    this.timer = null;
    this.rescanTimer = null;
    await this.idle;
  }

  /** Looks at the folder now (the CLI and tests; the UI's "scan now"). */
  scanNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.idle;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.idle = this.look();
    return this.idle;
  }

  private closeWatcher(): void {
    try {
      this.watcher?.close();
    } catch {
      // Already closed.
    }
    this.watcher = null;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true; // look again when the current look or import is over
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.idle = this.look();
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Writes the watch's rows in turn with the vault's writes (a direct write would wait
   * synchronously while an import's batch holds the write lock on the storage worker). A
   * vault locked in the meantime has nothing left to record: that is not a failure.
   */
  private async write(vault: Vault, fn: () => void): Promise<void> {
    try {
      await vault.afterWrites(fn);
    } catch (e) {
      if (!(isKeepsakeError(e) && e.code === 'VAULT_LOCKED')) throw e;
    }
  }

  private async look(): Promise<void> {
    if (this.stopped || this.running) return;
    const vault = this.core.vault;
    if (!vault) return;
    this.running = true;
    this.again = false;
    let settling = 0;
    try {
      let files;
      try {
        files = await listFiles(this.path);
      } catch {
        await this.write(vault, () => recordScan(vault.indexDb, this.id, this.core.clock.now(), 'The folder is missing or cannot be read; Keepsake will look again.'));
        return;
      }
      if (this.stopped || this.core.vault !== vault) return;
      const observed = this.tracker.observe(files, importedFiles(vault.indexDb, this.id), Date.now());
      settling = observed.settling;
      await this.write(vault, () => recordScan(vault.indexDb, this.id, this.core.clock.now(), null));
      if (observed.ready.length === 0) return;
      const paths = observed.ready.map((f) => f.path);
      const title = `Import ${paths.length === 1 ? basename(paths[0]!) : `${paths.length} files`} from watched folder ${basename(this.path)}`;
      try {
        const { result } = launchImport(this.core, paths, { title });
        const outcome = await result;
        if (this.core.vault !== vault) return;
        const byPath = new Map(outcome.files.map((f) => [f.path, f]));
        // Remember refused files too, so an unreadable file is not re-read every minute;
        // it is read again when it changes.
        await this.write(vault, () => recordImported(vault.indexDb, this.id, observed.ready.filter((f) => byPath.has(f.path))));
        const refused = outcome.files.filter((f) => f.status === 'refused');
        if (refused.length) {
          const first = refused[0]!;
          await this.write(vault, () => recordScan(vault.indexDb, this.id, this.core.clock.now(), `${refused.length === 1 ? '' : `${refused.length} files were refused; first: `}${basename(first.path)}: ${first.reason ?? 'refused'}`));
        }
      } catch (e) {
        this.tracker.forget(paths);
        if (this.core.vault === vault) {
          const why = isKeepsakeError(e) ? e.message : 'an internal error (logged)';
          if (!isKeepsakeError(e)) this.core.log.error('watch.import-failed', { error: e instanceof Error ? e.name : 'unknown' });
          await this.write(vault, () => recordScan(vault.indexDb, this.id, this.core.clock.now(), `The import did not finish: ${why}`));
        }
      }
    } finally {
      this.running = false;
      if (!this.stopped) {
        if (this.again) this.schedule(this.timings.debounceMs);
        else if (settling > 0) this.schedule(this.timings.settleMs);
      }
    }
  }
}
