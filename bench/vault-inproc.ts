// In-process vault timing (no CLI start-up, no Argon2): backs a folder up into a fresh
// vault, then runs a no-change re-run, a restore and a full-read check, printing wall and
// CPU per phase, and the peak of each part of the process's memory during the phase
// (sampled every 20 ms: rss, V8 heap, external memory and ArrayBuffers), to see where a
// peak RSS comes from. For profiling the engine itself:
//   node --cpu-prof bin/tsx.mjs bench/vault-inproc.ts <folder> [work dir]
// KS_PHASES=nochange,changed,restore,check picks the phases after the first backup
// ('changed': the bench's 5 % modification of a data-<N>mb folder, backed up, then healed);
// KS_WORKERS=0 runs without seal workers; KS_REUSE=1 opens the vault a previous run left in
// the work dir instead of backing up again (restore and check then start in a fresh
// process, so their peak RSS is their own, not the first backup's).
// KS_PAGE_FILES sets the restore's page size (files per index query); KS_WORKER_MIN_BYTES
// the average file size from which a restore job goes to the workers (smaller: this thread);
// KS_RESTORE_TO restores there instead (a tmpfs takes the disk's journal out of the figure).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { VaultContext } from '../main/core/vault/context';
import { restoreSnapshot } from '../main/core/vault/snapshot-restore';
import { Vault } from '../main/core/vault/vault';
import { heal, modify } from './vault-dataset';

async function main(): Promise<void> {
  const [folder, workArg] = process.argv.slice(2);
  if (!folder) throw new Error('usage: vault-inproc.ts <folder> [work dir]');
  const work = workArg ? resolve(workArg) : mkdtempSync(join(tmpdir(), 'ks-inproc-'));
  const reuse = process.env.KS_REUSE === '1' && existsSync(join(work, 'home'));
  const options = { fastKdfForTests: true, workers: process.env.KS_WORKERS !== '0' };
  if (!reuse) rmSync(join(work, 'home'), { recursive: true, force: true });
  const vault = reuse
    ? await Vault.open(join(work, 'home'), { passphrase: 'inproc-bench-pass' }, options)
    : (await Vault.create(join(work, 'home'), 'inproc-bench-pass', options)).vault;
  const phase = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const m0 = mainThreadCpu();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
    const sample = (): void => {
      const m = process.memoryUsage();
      for (const k of Object.keys(peak) as Array<keyof typeof peak>) peak[k] = Math.max(peak[k], m[k]);
    };
    const timer = setInterval(sample, 20);
    const r = await fn();
    clearInterval(timer);
    sample();
    const cpu = process.cpuUsage(c0);
    const m1 = mainThreadCpu();
    const mb = (n: number): string => (n / 1048576).toFixed(0);
    console.log(
      `${label.padEnd(10)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(6)} s wall ${((cpu.user + cpu.system) / 1e6).toFixed(2).padStart(6)} s CPU  ` +
        `${m0 !== null && m1 !== null ? `(main thread ${(m1 - m0).toFixed(2)} s)  ` : ''}` +
        `peak rss ${mb(peak.rss)} MB, heap ${mb(peak.heapUsed)}, external ${mb(peak.external)}, array buffers ${mb(peak.arrayBuffers)} MB`,
    );
    return r;
  };
  try {
    const only = process.env.KS_PHASES?.split(',');
    const want = (p: string): boolean => !only || only.includes(p);
    if (!reuse) await phase('first', () => vault.backupFolder(folder));
    if (want('nochange')) await phase('no-change', () => vault.backupFolder(folder));
    const sized = /data-(\d+)mb\/?$/.exec(folder);
    if (want('changed') && sized) {
      // the bench's 5 % run: a data set folder (vault-dataset.ts) modified, backed up, put back
      const ds = { dir: resolve(folder), bigFiles: 0, smallFiles: 0, bytes: 0 };
      modify(ds, Number(sized[1]));
      try {
        await phase('5% changed', () => vault.backupFolder(folder));
      } finally {
        heal(ds, Number(sized[1]));
      }
    }
    if (want('restore')) {
      const target = process.env.KS_RESTORE_TO ? resolve(process.env.KS_RESTORE_TO) : join(work, 'restore');
      rmSync(target, { recursive: true, force: true });
      const pageFiles = Number(process.env.KS_PAGE_FILES ?? 0);
      const ctx = (vault as unknown as { ctx: VaultContext }).ctx;
      const workerMinBytes = process.env.KS_WORKER_MIN_BYTES === undefined ? undefined : Number(process.env.KS_WORKER_MIN_BYTES);
      await phase('restore', () => restoreSnapshot(ctx, 'latest', target, { ...(pageFiles > 0 ? { pageFiles } : {}), ...(workerMinBytes !== undefined ? { workerMinBytes } : {}) }));
      rmSync(target, { recursive: true, force: true });
    }
    if (want('check')) await phase('check', () => vault.check({ readData: true }));
  } finally {
    // the close's WAL checkpoint is paid by every CLI run, so it gets its own line
    const wal = join(work, 'home', 'vault', 'index.db-wal');
    const walMb = existsSync(wal) ? (statSync(wal).size / 1048576).toFixed(1) : '0';
    const m0 = mainThreadCpu();
    const t0 = performance.now();
    vault.close();
    const m1 = mainThreadCpu();
    console.log(`${'close'.padEnd(10)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(6)} s wall${m0 !== null && m1 !== null ? `  (main thread ${(m1 - m0).toFixed(2)} s)` : ''}  WAL ${walMb} MB`);
    if (!workArg) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * CPU seconds of this process's main thread alone (Linux: /proc/self/task/<pid>/stat, user +
 * system clock ticks), or null elsewhere. Through many small files the main thread is the
 * limit while the seal workers wait, so its own CPU says more than the process total.
 */
function mainThreadCpu(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14, 15) in ticks of 1/100 s
  } catch {
    return null;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
