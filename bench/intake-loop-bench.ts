// RELIABILITY row 51 for messages: does a large import keep the host's event loop free?
// Imports N generated SMS (SMS Backup & Restore XML, default 200,000) in process, through
// the real import job (parse worker for the file, putRecords in the job's 25,000-record
// batches), with perf_hooks.monitorEventLoopDelay running, twice on fresh vaults: records
// stored on this thread ("before") and on the storage worker ("after",
// main/core/vault/storage-worker.ts). Prints event-loop delay p50/p99/max, throughput,
// CPU (user + system, all threads) and peak RSS, with the load average beside them.
// Every 200 ms another write is made and timed: through the vault's write queue (default),
// or with --direct on the host's own connection outside the queue (the worst a writer
// that bypasses the queue waits: SQLite's busy handler, synchronously, ≤ one batch).
// Flags: --count N (default 200000)  --cache DIR  --load (a `yes > /dev/null` process as
// background load, as stress-ng --cpu 1 would be)  --mode here|worker (one of the two
// only)  --direct
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Core } from '../main/core/core';
import { runImport } from '../main/core/intake/import-job';
import { silentLog } from '../main/core/log';
import { run, sql } from '../main/core/vault/sql';
import { configureStorageWorker, storageCounts } from '../main/core/vault/storage-worker';
import { Vault } from '../main/core/vault/vault';
import { generateSmsXml } from './intake-bench';
import type { BenchSection } from './run';

const PASS = 'bench-passphrase-not-secret';


/** Peak RSS (VmHWM) in MB; reset first where the kernel allows it (clear_refs 5). */
function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

interface Figures {
  mode: string;
  seconds: number;
  cpuSeconds: number;
  p50: number;
  p99: number;
  max: number;
  rssMb: number;
  rssReset: boolean;
  load: string;
  messages: number;
  hostWrites: { n: number; maxMs: number; over100: number };
  onWorker: number;
}

async function importOnce(file: string, cache: string, mode: 'here' | 'worker', direct: boolean): Promise<Figures> {
  configureStorageWorker({ mode: mode === 'here' ? 'off' : 'auto' });
  const home = join(cache, `home-loop-${mode}`);
  rmSync(home, { recursive: true, force: true });
  const core = new Core({ dataFolder: home, hostKind: 'cli', log: silentLog });
  const vault = (await Vault.create(home, PASS, { fastKdfForTests: true })).vault;
  core.vault = vault;
  const rssReset = resetPeakRss();
  const counted = storageCounts.onWorker;
  const load = loadavg()[0]!;
  const h = monitorEventLoopDelay({ resolution: 10 });
  // Another writer during the import, every 200 ms: through the vault's write queue
  // (vault.afterWrites, what intake's own rows use) it waits for a batch without blocking
  // and its wait is the figure; with --direct it writes on the host's connection outside
  // the queue, and its synchronous wait (SQLite's busy handler) is the figure — it then
  // also shows in the event-loop delay.
  const hostWrites = { n: 0, maxMs: 0, over100: 0 };
  const write = () => run(vault.indexDb, sql`INSERT OR REPLACE INTO job_checkpoints (kind, key, state, updated_at) VALUES ('bench', 'host-write', '{}', ${Date.now()})`);
  const timedWrite = (t: number) => {
    const ms = performance.now() - t;
    hostWrites.n++;
    hostWrites.maxMs = Math.max(hostWrites.maxMs, ms);
    if (ms > 100) hostWrites.over100++;
  };
  let queued = Promise.resolve();
  const writer = setInterval(() => {
    const t = performance.now();
    if (direct) {
      write();
      timedWrite(t);
    } else queued = vault.afterWrites(write).then(() => timedWrite(t));
  }, 200);
  h.enable();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const report = await runImport(core, [file], { report() {}, async checkpoint() {} });
  const cpu = process.cpuUsage(c0);
  const seconds = (performance.now() - t0) / 1000;
  h.disable();
  clearInterval(writer);
  await queued;
  const figures: Figures = {
    mode,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    p50: h.percentile(50) / 1e6,
    p99: h.percentile(99) / 1e6,
    max: h.max / 1e6,
    rssMb: peakRssMb(),
    rssReset,
    load: `${load.toFixed(1)}→${loadavg()[0]!.toFixed(1)}`,
    messages: report.totals.message ?? 0,
    hostWrites,
    onWorker: storageCounts.onWorker - counted,
  };
  await core.close();
  rmSync(home, { recursive: true, force: true });
  return figures;
}

export const intakeLoopSection: BenchSection = {
  name: 'intake-loop',
  summary: 'event-loop delay while importing N generated SMS: records stored on this thread vs the storage worker (RELIABILITY row 51)',
  async run(args) {
    const { values } = parseArgs({ args, options: { count: { type: 'string' }, cache: { type: 'string' }, load: { type: 'boolean' }, mode: { type: 'string' }, direct: { type: 'boolean' } }, strict: false });
    const count = Number(values.count ?? 200_000);
    const cache = typeof values.cache === 'string' ? values.cache : join(tmpdir(), 'keepsake-intake-bench');
    mkdirSync(cache, { recursive: true });
    const file = join(cache, `sms-${count}.xml`);
    if (!existsSync(file)) await generateSmsXml(file, count);
    const modes: Array<'here' | 'worker'> = values.mode === 'here' || values.mode === 'worker' ? [values.mode] : ['here', 'worker'];
    const background = values.load ? spawn('sh', ['-c', 'exec yes > /dev/null'], { stdio: 'ignore' }) : null;
    const rows: Figures[] = [];
    try {
      for (const mode of modes) rows.push(await importOnce(file, cache, mode, values.direct === true));
    } finally {
      background?.kill();
    }
    console.log(`${count.toLocaleString('en')} SMS, ${(statSync(file).size / 1e6).toFixed(0)} MB XML${background ? ', with `yes > /dev/null` as background load' : ''}`);
    const head = ['records stored on', 'wall s', 'CPU s', 'msgs/s', 'loop p50 ms', 'p99 ms', 'max ms', 'peak RSS MB', `${values.direct ? 'direct' : 'queued'} write max ms`, 'load avg'];
    console.log(head.map((c, i) => (i === 0 ? c.padEnd(22) : c.padStart(i === 8 ? 26 : 12))).join(''));
    for (const f of rows) {
      const cells = [
        f.mode === 'here' ? 'this thread (before)' : `worker (${f.onWorker} batches)`,
        f.seconds.toFixed(1),
        f.cpuSeconds.toFixed(1),
        Math.round(f.messages / f.seconds).toLocaleString('en'),
        f.p50.toFixed(1),
        f.p99.toFixed(1),
        f.max.toFixed(0),
        `${f.rssMb.toFixed(0)}${f.rssReset ? '' : '*'}`,
        `${f.hostWrites.maxMs.toFixed(0)} (${f.hostWrites.over100}/${f.hostWrites.n} >100)`,
        f.load,
      ];
      console.log(cells.map((c, i) => (i === 0 ? c.padEnd(22) : c.padStart(i === 8 ? 26 : 12))).join(''));
      if (f.messages !== count) console.log(`  ! imported ${f.messages} of ${count} messages`);
    }
    if (rows.some((f) => !f.rssReset)) console.log('* peak RSS of the whole process so far (the kernel did not allow resetting it)');
    const after = rows.find((f) => f.mode === 'worker');
    if (after) console.log(`row 51 target: event-loop p99 < 100 ms → ${after.p99 < 100 ? 'met' : 'NOT met'} (${after.p99.toFixed(1)} ms with the storage worker)`);
  },
};
