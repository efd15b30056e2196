// The composition root of core: one object per running companion that holds the data
// folder, the open vault (if unlocked), the job manager and the event bus. Every host
// (Electron, web, CLI) creates exactly one Core and dispatches contract calls into it.
import type { HostKind } from '../../common/domain';
import { EventBus } from './events';
import { JobManager } from './jobs/job-manager';
import { createFileLog, type Log } from './log';
import { ensurePrivateDir } from './paths';
import { noDialogs, systemClock, unavailableKeyStore, type Clock, type Dialogs, type KeyStore } from './ports';
import { VERSION } from './version';
import type { Vault } from './vault/vault';

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
  /** The unlocked vault, or null while locked (or before one exists). */
  vault: Vault | null = null;

  constructor(options: CoreOptions) {
    this.dataFolder = ensurePrivateDir(options.dataFolder);
    this.hostKind = options.hostKind;
    this.clock = options.clock ?? systemClock;
    this.keyStore = options.keyStore ?? unavailableKeyStore;
    this.dialogs = options.dialogs ?? noDialogs;
    this.log = options.log ?? createFileLog(this.dataFolder);
    this.jobs = new JobManager(this.events, this.log, () => this.clock.now());
  }

  /** Stops jobs and closes the vault; safe to call more than once. */
  async close(): Promise<void> {
    await this.jobs.stopAll();
    const vault = this.vault;
    this.vault = null;
    if (vault) vault.close();
  }
}
