// Long work runs as a job: start() returns at once with the job's info, the work reports
// progress through a JobControl, and every change is published as a `job.progressed`
// event, throttled so a fast loop cannot flood the UI. Pause and cancel are cooperative:
// the work calls control.checkpoint() at safe points, which waits while paused and throws
// CANCELLED when cancelled. A job's outcome is kept in the history for the Activity view.
import { randomBytes } from 'node:crypto';
import type { JobInfo } from '../../../common/contract/jobs';
import { KeepsakeError, isKeepsakeError } from '../../../common/errors';
import type { EventBus } from '../events';
import type { Log } from '../log';

export interface Progress {
  phase?: string;
  done?: number;
  total?: number | null;
  bytesDone?: number;
  bytesTotal?: number | null;
}

export interface JobControl {
  readonly id: string;
  report(progress: Progress): void;
  /** Waits while paused; throws KeepsakeError('CANCELLED') once cancelled. */
  checkpoint(): Promise<void>;
  readonly signal: AbortSignal;
}

export interface JobSpec<R> {
  kind: string;
  title: string;
  canPause?: boolean;
  run(control: JobControl): Promise<R>;
  /** The one-line outcome for the history. */
  summarize?(result: R): string;
}

interface Running {
  info: JobInfo;
  abort: AbortController;
  paused: boolean;
  resumeWaiters: Array<() => void>;
  lastEmit: number;
  rateStart: { at: number; done: number; bytes: number };
  done: Promise<unknown>;
}

const EMIT_INTERVAL_MS = 200;
const HISTORY = 200;

export class JobManager {
  private readonly jobs = new Map<string, Running>();

  constructor(
    private readonly events: EventBus,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {}

  start<R>(spec: JobSpec<R>): { info: JobInfo; result: Promise<R> } {
    const id = `job-${randomBytes(6).toString('hex')}`;
    const at = this.now();
    const info: JobInfo = {
      id,
      kind: spec.kind,
      title: spec.title,
      state: 'running',
      phase: 'Starting',
      done: 0,
      total: null,
      bytesDone: 0,
      bytesTotal: null,
      etaSeconds: null,
      startedAt: at,
      finishedAt: null,
      canPause: spec.canPause ?? true,
      error: null,
      summary: null,
    };
    const abort = new AbortController();
    const job: Running = { info, abort, paused: false, resumeWaiters: [], lastEmit: 0, rateStart: { at, done: 0, bytes: 0 }, done: Promise.resolve() };
    this.jobs.set(id, job);
    this.trim();
    this.publish(job, true);

    const control: JobControl = {
      id,
      signal: abort.signal,
      report: (p) => {
        Object.assign(job.info, definedOnly(p));
        job.info.etaSeconds = this.eta(job);
        this.publish(job, false);
      },
      checkpoint: async () => {
        while (job.paused && !abort.signal.aborted) await new Promise<void>((r) => job.resumeWaiters.push(r));
        if (abort.signal.aborted) throw new KeepsakeError('CANCELLED', 'The job was cancelled.');
      },
    };

    const result = (async () => {
      try {
        const value = await spec.run(control);
        job.info.state = 'succeeded';
        job.info.summary = spec.summarize ? spec.summarize(value) : null;
        job.info.phase = 'Finished';
        return value;
      } catch (e) {
        const cancelled = isKeepsakeError(e) && e.code === 'CANCELLED';
        job.info.state = cancelled ? 'cancelled' : 'failed';
        job.info.phase = cancelled ? 'Cancelled' : 'Failed';
        job.info.error = isKeepsakeError(e) ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: 'Something went wrong inside Keepsake. The log has details.' };
        if (!cancelled) this.log.error('job.failed', { kind: spec.kind, code: job.info.error.code });
        throw e;
      } finally {
        job.info.finishedAt = this.now();
        job.info.etaSeconds = null;
        this.publish(job, true);
      }
    })();
    job.done = result.catch(() => undefined);
    return { info: { ...info }, result };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info })).sort((a, b) => b.startedAt - a.startedAt);
  }

  get(id: string): JobInfo {
    return { ...this.require(id).info };
  }

  cancel(id: string): JobInfo {
    const job = this.require(id);
    if (isActive(job.info.state)) {
      job.abort.abort();
      this.wake(job);
    }
    return { ...job.info };
  }

  pause(id: string): JobInfo {
    const job = this.require(id);
    if (!job.info.canPause) throw new KeepsakeError('FORBIDDEN', 'This job cannot be paused safely; cancel it instead.');
    if (job.info.state === 'running') {
      job.paused = true;
      job.info.state = 'paused';
      this.publish(job, true);
    }
    return { ...job.info };
  }

  resume(id: string): JobInfo {
    const job = this.require(id);
    if (job.info.state === 'paused') {
      job.paused = false;
      job.info.state = 'running';
      job.rateStart = { at: this.now(), done: job.info.done, bytes: job.info.bytesDone };
      this.wake(job);
      this.publish(job, true);
    }
    return { ...job.info };
  }

  /** Cancels everything still running and waits for it to stop (used on lock and quit). */
  async stopAll(): Promise<void> {
    const active = [...this.jobs.values()].filter((j) => isActive(j.info.state));
    for (const j of active) this.cancel(j.info.id);
    await Promise.all(active.map((j) => j.done));
  }

  private require(id: string): Running {
    const job = this.jobs.get(id);
    if (!job) throw new KeepsakeError('NOT_FOUND', 'There is no such job.');
    return job;
  }

  private wake(job: Running): void {
    const waiters = job.resumeWaiters.splice(0);
    for (const w of waiters) w();
  }

  private eta(job: Running): number | null {
    const { info, rateStart } = job;
    const elapsed = (this.now() - rateStart.at) / 1000;
    if (elapsed < 1) return null;
    if (info.bytesTotal && info.bytesDone > rateStart.bytes) {
      const rate = (info.bytesDone - rateStart.bytes) / elapsed;
      return Math.max(0, Math.round((info.bytesTotal - info.bytesDone) / rate));
    }
    if (info.total && info.done > rateStart.done) {
      const rate = (info.done - rateStart.done) / elapsed;
      return Math.max(0, Math.round((info.total - info.done) / rate));
    }
    return null;
  }

  private publish(job: Running, force: boolean): void {
    const at = this.now();
    if (!force && at - job.lastEmit < EMIT_INTERVAL_MS) return;
    job.lastEmit = at;
    this.events.emit('job.progressed', { ...job.info });
  }

  private trim(): void {
    if (this.jobs.size <= HISTORY) return;
    for (const [id, j] of this.jobs) {
      if (this.jobs.size <= HISTORY) break;
      if (!isActive(j.info.state)) this.jobs.delete(id);
    }
  }
}

function isActive(state: JobInfo['state']): boolean {
  return state === 'running' || state === 'paused' || state === 'queued';
}

function definedOnly(p: Progress): Partial<JobInfo> {
  const out: Partial<JobInfo> = {};
  if (p.phase !== undefined) out.phase = p.phase;
  if (p.done !== undefined) out.done = p.done;
  if (p.total !== undefined) out.total = p.total;
  if (p.bytesDone !== undefined) out.bytesDone = p.bytesDone;
  if (p.bytesTotal !== undefined) out.bytesTotal = p.bytesTotal;
  return out;
}
