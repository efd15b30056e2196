// The composition root of core: one object per running companion that holds the data
// folder, the open vault (if unlocked), the job manager and the event bus. Every host
// (Electron, web, CLI) creates exactly one Core and dispatches contract calls into it.
import type { HostKind } from '../../common/domain';
import { EventBus } from './events';
import { JobManager } from './jobs/job-manager';
import { createFileLog, type Log } from './log';
import { ensurePrivateDir } from './paths';
import { SettingsStore } from './settings-store';
import { noDialogs, systemClock, unavailableKeyStore, type Clock, type Dialogs, type KeyStore } from './ports';
import { attachVaultServices } from './vault-services';
import { VERSION } from './version';
import type { Vault } from './vault/vault';

const IDLE_CHECK_MS = 30_000;
const RETENTION_CHECK_MS = 3_600_000;

export interface CoreOptions {
  dataFolder: string;
  hostKind: HostKind;
  keyStore?: KeyStore;
  dialogs?: Dialogs;
  clock?: Clock;
  log?: Log;
}

export class Core {
  readonly dataFolder: string;
  readonly hostKind: HostKind;
  readonly version = VERSION;
  readonly events = new EventBus();
  readonly log: Log;
  readonly clock: Clock;
  readonly keyStore: KeyStore;
  readonly dialogs: Dialogs;
  readonly jobs: JobManager;
  readonly settings: SettingsStore;
  /** The unlocked vault, or null while locked (or before one exists). */
  vault: Vault | null = null;
  private lastActivity: number;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly retentionTimer: NodeJS.Timeout;
  private readonly beforeLockHooks = new Set<() => Promise<void>>();

  constructor(options: CoreOptions) {
    this.dataFolder = ensurePrivateDir(options.dataFolder);
    this.hostKind = options.hostKind;
    this.clock = options.clock ?? systemClock;
    this.keyStore = options.keyStore ?? unavailableKeyStore;
    this.dialogs = options.dialogs ?? noDialogs;
    this.log = options.log ?? createFileLog(this.dataFolder);
    this.jobs = new JobManager(this.events, this.log, () => this.clock.now());
    this.settings = new SettingsStore(this.dataFolder);
    this.lastActivity = this.clock.now();
    this.idleTimer = setInterval(() => void this.lockIfIdle(), IDLE_CHECK_MS);
    this.idleTimer.unref();
    this.retentionTimer = setInterval(() => void this.runDueRetention(), RETENTION_CHECK_MS);
    this.retentionTimer.unref();
    // Long-running hosts keep the vault's services (cloud schedule, phone gateway) going;
    // a CLI run does one thing and exits.
    if (this.hostKind !== 'cli') attachVaultServices(this);
  }

  /** Records that the person did something (every contract call counts). */
  touch(): void {
    this.lastActivity = this.clock.now();
  }

  /** Locks the vault: stops running jobs, drops the keys, closes the index. */
  async lock(reason: 'asked' | 'idle' | 'quit'): Promise<void> {
    const vault = this.vault;
    if (!vault) return;
    await this.jobs.stopAll();
    // Services tied to the open vault (the phone gateway, watch folders) stop first.
    for (const hook of [...this.beforeLockHooks]) await hook().catch((e: unknown) => this.log.warn('lock.hook-failed', { error: e instanceof Error ? e.message : String(e) }));
    this.vault = null;
    vault.close();
    this.log.info('vault.locked', { reason });
    this.events.emit('vault.changed', { state: 'locked' });
  }

  /** Registers work to do before the vault closes (stop servers using it); returns the unregister function. */
  beforeLock(hook: () => Promise<void>): () => void {
    this.beforeLockHooks.add(hook);
    return () => this.beforeLockHooks.delete(hook);
  }

  /** Runs retention rules that are on and due, while the vault is unlocked. */
  async runDueRetention(): Promise<void> {
    if (!this.vault) return;
    // Loaded on demand: erasure pulls in the cloud SDKs, which most runs never need.
    await import('./erasure/retention')
      .then((m) => void m.startRetentionRun(this))
      .catch((e: unknown) => this.log.warn('retention.skipped', { error: e instanceof Error ? e.message : String(e) }));
  }

  /** Auto-lock after the chosen idle time, but never under a running job. */
  async lockIfIdle(): Promise<boolean> {
    const minutes = this.settings.get().autoLockMinutes;
    if (!this.vault || minutes === 0) return false;
    if (this.clock.now() - this.lastActivity < minutes * 60_000) return false;
    if (this.jobs.list().some((j) => j.state === 'running' || j.state === 'paused' || j.state === 'queued')) return false;
    await this.lock('idle');
    return true;
  }

  /** Stops jobs and closes the vault; safe to call more than once. */
  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    clearInterval(this.retentionTimer);
    await this.lock('quit');
    await this.jobs.stopAll();
  }
}
