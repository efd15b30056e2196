// What the cloud.* handlers and the CLI call: targets kept in the vault, each checked live
// before it is added; sync (then a careful clean-up) as a job with progress, ETA and
// pause/resume; a restore-vault job for a new computer; and a light scheduler.
import { KeepsakeError, isKeepsakeError } from '../../../common/errors';
import { humanBytes } from '../../../common/format';
import type { ConformanceReport, TargetInfo, TargetSecrets, TargetSettings } from '../../../common/contract/cloud';
import type { Core } from '../core';
import type { Vault } from '../vault/vault';
import { checkConformance } from './conformance';
import { healthLine } from './health-line';
import { CloudStore, type TargetRecord } from './mirror/cloud-store';
import { collectGarbage } from './mirror/gc';
import { restoreVault, type RestoreReport } from './mirror/restore';
import { mirrorSourceOf } from './mirror/source';
import { syncToTarget, type SyncReport } from './mirror/sync';
import { buildTarget } from './target-config';

export function cloudStore(vault: Vault, now: () => number): CloudStore {
  return new CloudStore(vault.indexDb, now);
}

export function toInfo(r: TargetRecord, now: number): TargetInfo {
  return {
    id: r.id,
    kind: r.kind,
    label: r.label,
    settings: r.settings,
    scheduleMinutes: r.scheduleMinutes,
    bandwidthBps: r.bandwidthBps,
    health: { ...r.health, line: healthLine(r.health, now) },
    conformance: (r.conformance as ConformanceReport | null) ?? null,
  };
}

/** Builds the target and runs the conformance check; nothing is stored. */
export async function checkTarget(settings: TargetSettings, secrets: TargetSecrets): Promise<{ conformance: ConformanceReport; warning: string | null }> {
  const built = buildTarget(settings, secrets);
  try {
    const report = await checkConformance(built.target);
    return { conformance: { ok: report.ok, checks: report.checks }, warning: built.warning };
  } finally {
    await built.target.close();
  }
}

export async function addTarget(core: Core, vault: Vault, settings: TargetSettings, secrets: TargetSecrets): Promise<{ target: TargetInfo; conformance: ConformanceReport; warning: string | null }> {
  const { conformance, warning } = await checkTarget(settings, secrets);
  if (!conformance.ok) {
    const problems = conformance.checks.filter((c) => c.level === 'error').map((c) => c.message);
    throw new KeepsakeError('UNSUPPORTED', `This target cannot hold the vault safely: ${problems.join(' ')}`, { conformance });
  }
  const store = cloudStore(vault, () => core.clock.now());
  const record = await vault.afterWrites(() => store.add(settings, secrets, conformance)); // in turn with the vault's writes (storage worker)
  if (warning) core.log.warn('cloud.target.insecure-http', { kind: settings.kind });
  core.log.info('cloud.target.added', { kind: settings.kind });
  core.events.emit('cloud.changed', { id: record.id });
  return { target: toInfo(record, core.clock.now()), conformance, warning };
}

export interface SyncOutcome {
  targets: Array<{ id: string; label: string; report: SyncReport | null; error: string | null; cleanedUp: number }>;
}

/** Syncs one target or all of them as one job; a failed target fails the job, naming it. */
export function startSyncJob(core: Core, vault: Vault, targetId?: string): { info: ReturnType<Core['jobs']['start']>['info']; result: Promise<SyncOutcome> } {
  const store = cloudStore(vault, () => core.clock.now());
  const records = targetId ? [store.get(targetId)] : store.list();
  if (records.length === 0) throw new KeepsakeError('NOT_FOUND', 'There is no cloud target yet. Add one first (keepsake target add …).');
  return core.jobs.start({
    kind: 'cloud.sync',
    title: records.length === 1 ? `Sync to ${records[0]?.label ?? 'the cloud'}` : `Sync to ${records.length} cloud targets`,
    run: async (control) => {
      const outcome: SyncOutcome = { targets: [] };
      for (const r of records) {
        await control.checkpoint();
        const built = buildTarget(r.settings, store.secrets(r.id), r.bandwidthBps);
        const source = mirrorSourceOf(vault);
        try {
          const report = await syncToTarget(source, {
            targetId: r.id,
            target: built.target,
            store,
            signal: control.signal,
            checkpoint: () => control.checkpoint(),
            progress: (p) => control.report({ phase: `${r.label}: ${p.phase}`, done: p.done, total: p.total, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
            log: core.log,
            now: () => core.clock.now(),
          });
          let cleanedUp = 0;
          try {
            control.report({ phase: `${r.label}: Cleaning up` });
            cleanedUp = (await collectGarbage({ targetId: r.id, target: built.target, store, vaultId: vault.id, cloudKey: source.cloudKey, afterWrites: (fn) => vault.afterWrites(fn), signal: control.signal, log: core.log, now: () => core.clock.now() })).deleted;
          } catch (e) {
            if (isKeepsakeError(e) && e.code === 'CANCELLED') throw e;
            // The copy is complete; a clean-up that could not run safely waits for next time.
            core.log.warn('cloud.gc.skipped', { code: isKeepsakeError(e) ? e.code : 'INTERNAL' });
          }
          outcome.targets.push({ id: r.id, label: r.label, report, error: null, cleanedUp });
        } catch (e) {
          if (isKeepsakeError(e) && e.code === 'CANCELLED') throw e;
          outcome.targets.push({ id: r.id, label: r.label, report: null, error: isKeepsakeError(e) ? e.message : 'internal error', cleanedUp: 0 });
        } finally {
          source.cloudKey.fill(0);
          await built.target.close();
          core.events.emit('cloud.changed', { id: r.id });
        }
      }
      const failed = outcome.targets.filter((t) => t.error);
      if (failed.length > 0) {
        throw new KeepsakeError('NETWORK', failed.map((t) => `${t.label}: ${t.error}`).join(' '), { failed: failed.map((t) => t.id) });
      }
      return outcome;
    },
    summarize: (o) => summarize(o),
  });
}

/**
 * One line per target, in words. The job's title already names a single target, so its
 * label is repeated only when several were synced.
 */
export function summarize(o: SyncOutcome): string {
  const named = o.targets.length > 1;
  return o.targets
    .map((t) => {
      const r = t.report;
      const who = named ? `${t.label}: ` : '';
      if (!r) return `${who}failed`;
      const packs = `${r.packs.uploaded} new pack${r.packs.uploaded === 1 ? '' : 's'} of ${r.packs.total}`;
      const index = `${r.segments.uploaded} of ${r.segments.total} index pages`;
      const cleaned = t.cleanedUp ? `, ${t.cleanedUp} old object${t.cleanedUp === 1 ? '' : 's'} removed` : '';
      return `${who}version ${r.counter}: ${packs}, ${index}, ${humanBytes(r.bytesUploaded)} up${cleaned}`;
    })
    .join('; ');
}

export function startRestoreJob(core: Core, settings: TargetSettings, secrets: TargetSecrets, recoveryKey: string): { info: ReturnType<Core['jobs']['start']>['info']; result: Promise<RestoreReport> } {
  if (core.vault) throw new KeepsakeError('CONFLICT', 'A vault is open on this computer; restore-vault is for a computer without one.');
  const built = buildTarget(settings, secrets);
  return core.jobs.start({
    kind: 'cloud.restoreVault',
    title: `Restore the vault from ${built.target.description}`,
    canPause: true,
    run: async (control) => {
      try {
        return await restoreVault(core.dataFolder, built.target, recoveryKey, {
          signal: control.signal,
          checkpoint: () => control.checkpoint(),
          progress: (p) => control.report(p),
          log: core.log,
        });
      } finally {
        await built.target.close();
      }
    },
    summarize: (r) => `Restored vault version ${r.counter}: ${r.packs} packs, ${r.bytes} bytes, every chunk checked`,
  });
}

const schedulers = new WeakMap<Core, NodeJS.Timeout>();

/**
 * Starts (once per Core) a minute timer that syncs targets whose schedule is due, while
 * the vault is unlocked and no other job is running ("on idle"). The timer is unref'd so
 * it never keeps a process alive. Wi-Fi-only is not knowable on a desktop and is skipped.
 */
export function ensureScheduler(core: Core): void {
  if (schedulers.has(core)) return;
  const timer = setInterval(() => {
    const vault = core.vault;
    if (!vault) return;
    if (core.jobs.list().some((j) => j.state === 'running' || j.state === 'paused')) return;
    const now = core.clock.now();
    for (const r of cloudStore(vault, () => now).list()) {
      if (r.scheduleMinutes <= 0) continue;
      if (now - (r.health.lastAttemptAt ?? 0) < r.scheduleMinutes * 60_000) continue;
      try {
        startSyncJob(core, vault, r.id).result.catch(() => undefined);
      } catch (e) {
        core.log.warn('cloud.schedule.failed', { code: isKeepsakeError(e) ? e.code : 'INTERNAL' });
      }
      return; // one at a time
    }
  }, 60_000);
  timer.unref();
  schedulers.set(core, timer);
}
