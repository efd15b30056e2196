// Devices benchmark: sync throughput from the reference agent to a real gateway on
// loopback (MB/s and items/s) for a phone-like data set, next to the vault's local ingest
// of the same files through the same IngestSink (the network path should cost ≤ 25 %).
// Local ingest is measured two ways: files handed to the sink as streams (the figure of
// earlier sessions) and as whole buffers (what the gateway now hands the vault for a
// held upload — the stricter comparison, since the vault cuts a buffer without copying).
// `npm run bench -- --only devices --size 200` (MB; default 200). `--size 1000` runs the
// vault bench's phone-like ~1 GB scale (1,093 files, 1,050 MB), where fixed costs weigh less.
// It ends with the wire's floor (bench/tls-floor.ts; `--no-floor` skips it).
import { readFileSync, readdirSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { KeepsakeAgent } from '../agent/src/agent';
import { scanPhone } from '../agent/src/scan';
import { DevicesService } from '../main/core/devices/service';
import type { IngestItem } from '../main/core/devices/sink';
import { VaultIngestSink } from '../main/core/devices/vault-sink';
import type { Log } from '../main/core/log';
import { Vault } from '../main/core/vault/vault';
import type { BenchSection } from './run';
import { runFresh } from './fresh-process';
import { TLS_FLOOR_LABELS, TLS_FLOOR_VARIANTS, type TlsFloorVariant } from './tls-floor';
import { bytesFor } from './vault-dataset';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { PerformanceObserver, constants as perfConstants, type PerformanceEntry } from 'node:perf_hooks';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };
const PASS = 'bench passphrase for devices';

/** Phone layout: big photos/videos in DCIM/Camera (1–8 MiB), screenshots of 50–400 KiB. */
function makePhone(root: string, sizeMb: number): { files: number; bytes: number } {
  const marker = join(root, '.complete');
  let files = 0;
  let bytes = 0;
  const target = sizeMb * 1024 * 1024;
  let i = 0;
  const build = !statSync(marker, { throwIfNoEntry: false });
  mkdirSync(join(root, 'DCIM', 'Camera'), { recursive: true });
  mkdirSync(join(root, 'Pictures', 'Screenshots'), { recursive: true });
  while (bytes < target) {
    const big = i % 4 === 0;
    const size = big ? (1 + (i % 8)) * 1024 * 1024 : 50 * 1024 + ((i * 7919) % (350 * 1024));
    const rel = big ? `DCIM/Camera/${i % 20 === 0 ? 'VID' : 'IMG'}_${i}.${i % 20 === 0 ? 'mp4' : 'jpg'}` : `Pictures/Screenshots/Screenshot_${i}.png`;
    if (build) writeFileSync(join(root, rel), bytesFor(`phone-${i}`, size));
    bytes += size;
    files += 1;
    i += 1;
  }
  if (build) writeFileSync(marker, 'ok');
  return { files, bytes };
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.name.startsWith('.') ? [] : e.isDirectory() ? listFiles(root, join(dir, e.name)) : [relative(root, join(dir, e.name)).split(sep).join('/')]));
}

/** Wall seconds and this process's CPU seconds (all threads) of one run. */
export interface Timing {
  wall: number;
  cpu: number;
  /** The agent's CPU seconds (its whole process, start-up included); network runs only. */
  agentCpu?: number;
  /** Upload requests the agent sent; network runs only. */
  requests?: number;
  /** Held files the desktop had to spill to disk staging (0 when the agent keeps its window). */
  spilled?: number;
  /** Held files received into reused memory instead of a fresh SharedArrayBuffer (session 6). */
  reused?: number;
  /** Full GCs of this process during the run. */
  fullGcs: number;
  /**
   * CPU seconds of the main thread alone (the gateway's event loop: TLS, HTTP, receiving,
   * the vault's bookkeeping), from /proc/thread-self/schedstat; absent where there is no /proc.
   * Steadier than the whole process's on a shared machine: no seal workers, no GC helpers.
   */
  mainCpu?: number;
  /** Peak RSS of the whole process in MB (runs in their own process only: bench/devices-one.ts). */
  peakRssMb?: number;
}

/** CPU seconds this thread has run so far (Linux), or null. */
function threadCpu(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;
  } catch {
    return null;
  }
}

const mainCpuSince = (t0: number | null): { mainCpu?: number } => {
  const t1 = threadCpu();
  return t0 === null || t1 === null ? {} : { mainCpu: t1 - t0 };
};

/**
 * Full (mark-compact) GCs of this process during a run, counted by a perf_hooks observer
 * and printed beside the CPU figures: the runs share one process, and what one mode leaves
 * behind changes the next one's GC work (session 5: a sync alone in a fresh process ran
 * 2-5 full GCs per 105 MB, the same sync after a local ingest in the same process 7-21).
 */
const isFullGc = (e: PerformanceEntry): boolean => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR;

class FullGcs {
  private n = 0;
  private readonly obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (isFullGc(e)) this.n += 1;
  });

  start(): () => number {
    this.n = 0;
    this.obs.observe({ entryTypes: ['gc'] });
    return () => {
      // entries are delivered asynchronously: take what is buffered, then stop
      for (const e of this.obs.takeRecords()) if (isFullGc(e)) this.n += 1;
      this.obs.disconnect();
      return this.n;
    };
  }
}
const fullGcs = new FullGcs();

const cpuSince = (c: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
};

/** Local ingest of the phone folder: each file as a stream (`stream`) or as one buffer (`buffer`). */
export async function localIngest(work: string, phone: string, mode: 'stream' | 'buffer'): Promise<Timing> {
  const dir = join(work, 'local');
  rmSync(dir, { recursive: true, force: true });
  const { vault } = await Vault.create(dir, PASS);
  try {
    const sink = new VaultIngestSink(vault, quiet);
    const scanned = await scanPhone(phone, {});
    const gcs = fullGcs.start();
    const c0 = process.cpuUsage();
    const m0 = threadCpu();
    const t0 = performance.now();
    for (let i = 0; i < scanned.length; i += 200) {
      const batch: IngestItem[] = scanned.slice(i, i + 200).map((f) => ({
        deviceId: 'local',
        sourceKey: f.id,
        category: f.category,
        occurredAt: f.modified,
        title: f.name,
        fields: { name: f.name, sha256: f.hash, modified: f.modified },
        file: {
          name: f.name,
          mime: 'application/octet-stream',
          size: f.size,
          sha256: f.hash,
          open: () => Readable.from([readFileSync(f.path)]),
          ...(mode === 'buffer' ? { data: readFileSync(f.path) } : {}),
        },
      }));
      await sink.putItems(batch);
    }
    return { wall: (performance.now() - t0) / 1000, cpu: cpuSince(c0), ...mainCpuSince(m0), fullGcs: gcs() };
  } finally {
    vault.close();
  }
}

export async function networkSync(work: string, phone: string): Promise<Timing> {
  const dir = join(work, 'net');
  const stateDir = join(work, 'agent-state');
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
  const { vault } = await Vault.create(dir, PASS);
  const devices = new DevicesService({ db: vault.indexDb, masterKey: vault.masterKey, stagingDir: join(dir, 'staging'), sink: new VaultIngestSink(vault, quiet), log: quiet, now: Date.now });
  try {
    await devices.startGateway({ hosts: ['127.0.0.1'], port: 0 });
    const agent = new KeepsakeAgent(phone, stateDir);
    await agent.pair((await devices.startPairing()).uri, { name: 'Bench phone' });
    // Hashing on the phone is the phone's cost, not the network path's: warm the cache first.
    await scanPhone(phone, agent.state.state.files);
    agent.state.save();
    // The phone is another machine: run the agent in its own process (the CLI), timed by itself.
    // KEEPSAKE_BENCH_AGENT_NODE_ARGS: extra node flags for the agent (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
    const gcs = fullGcs.start();
    const c0 = process.cpuUsage();
    const m0 = threadCpu();
    const nodeArgs = (process.env.KEEPSAKE_BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(import.meta.dirname, '..', 'bin', 'keepsake-agent.mjs'), 'sync', '--phone', phone, '--state', stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    const code = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? 1)));
    const cpu = cpuSince(c0);
    const main = mainCpuSince(m0);
    const gcCount = gcs();
    const s = JSON.parse(Buffer.concat(out).toString('utf8')) as { durationMs: number; acked: number; needed: number; cpuMs: number; uploadRequests?: number };
    if (code !== 0 || s.acked !== s.needed) throw new Error(`sync incomplete: ${Buffer.concat(out).toString('utf8').slice(0, 400)}`);
    return { wall: s.durationMs / 1000, cpu, agentCpu: s.cpuMs / 1000, requests: s.uploadRequests ?? 0, spilled: devices.sync.heldStats.spilled, reused: devices.sync.heldStats.reused, ...main, fullGcs: gcCount };
  } finally {
    await devices.close();
    vault.close();
  }
}

/** One measured run of `mode` in a fresh process (bench/devices-one.ts), after a warm-up run there. */
function runIsolated(mode: 'stream' | 'buffer' | 'sync', work: string, phone: string): Timing {
  return runFresh<Timing>('devices-one.ts', [mode, phone, work], 'inherit');
}

/** The desktop's CPU seconds for one wire-floor variant, in a fresh process. */
function tlsFloorRun(phone: string, variant: TlsFloorVariant): number {
  return runFresh<{ cpuSeconds: number }>('tls-floor.ts', [phone, variant]).cpuSeconds;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export const devicesSection: BenchSection = {
  name: 'devices',
  summary: 'agent → gateway sync on loopback vs local vault ingest',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { size: { type: 'string' }, cache: { type: 'string' }, runs: { type: 'string' }, 'no-floor': { type: 'boolean' } }, strict: false });
    const sizeMb = Number(values.size ?? 200);
    const cache = typeof values.cache === 'string' ? values.cache : join(tmpdir(), 'keepsake-bench');
    const phone = join(cache, `phone-${sizeMb}mb`);
    const { files, bytes } = makePhone(phone, sizeMb);
    const work = join(cache, 'devices-work');
    mkdirSync(work, { recursive: true });
    const mb = bytes / 1e6;
    console.log(`Phone data set: ${files} files (${listFiles(phone).length} on disk), ${mb.toFixed(0)} MB, in ${phone}`);
    const runs = Number(values.runs ?? 3);
    const locals: Timing[] = [];
    const buffered: Timing[] = [];
    const nets: Timing[] = [];
    const load: number[] = [loadavg()[0] ?? 0];
    for (let i = 0; i < runs; i++) {
      locals.push(await localIngest(work, phone, 'stream'));
      buffered.push(await localIngest(work, phone, 'buffer'));
      nets.push(await networkSync(work, phone));
      load.push(loadavg()[0] ?? 0);
    }
    const local = median(locals.map((t) => t.wall));
    const localBuf = median(buffered.map((t) => t.wall));
    const net = median(nets.map((t) => t.wall));
    const list = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' ');
    console.log(`runs: ${runs} (median shown); local (streams) ${list(locals.map((t) => t.wall))} s, local (buffers) ${list(buffered.map((t) => t.wall))} s, network ${list(nets.map((t) => t.wall))} s`);
    // The machine may be shared: the 1-minute load average, before and after each run triple.
    console.log(`load average (1 min): ${list(load)} on ${availableParallelism()} cores`);
    const row = (label: string, s: number): string => `${label.padEnd(34)} ${s.toFixed(2).padStart(8)} s ${(mb / s).toFixed(1).padStart(8)} MB/s ${(files / s).toFixed(0).padStart(7)} items/s`;
    console.log(row('local ingest (IngestSink, streams)', local));
    console.log(row('local ingest (IngestSink, buffers)', localBuf));
    console.log(row('agent → gateway (loopback)', net));
    const verdict = (base: number): string => {
      const cost = (net / base - 1) * 100;
      return `${cost.toFixed(1)} % ${cost <= 25 ? 'OK' : 'OVER'}`;
    };
    console.log(`network path cost (target ≤ 25 %): vs streams ${verdict(local)}, vs buffers ${verdict(localBuf)}`);
    // CPU seconds do not depend on how busy the machine is: the desktop's work for the same files.
    const localCpu = median(locals.map((t) => t.cpu));
    const bufCpu = median(buffered.map((t) => t.cpu));
    const gatewayCpu = median(nets.map((t) => t.cpu));
    const agentCpu = median(nets.map((t) => t.agentCpu ?? 0));
    const pct = (a: number, b: number): string => `${((a / b - 1) * 100).toFixed(1)} %`;
    console.log(`desktop CPU (all threads): local ingest ${localCpu.toFixed(2)} s (streams) / ${bufCpu.toFixed(2)} s (buffers), gateway ${gatewayCpu.toFixed(2)} s (${pct(gatewayCpu, localCpu)} / ${pct(gatewayCpu, bufCpu)}); agent process ${agentCpu.toFixed(2)} s (start-up included), ${median(nets.map((t) => t.requests ?? 0))} upload requests, ${median(nets.map((t) => t.spilled ?? 0))} held files spilled to disk, ${median(nets.map((t) => t.reused ?? 0))} received into reused memory`);
    console.log(`full GCs per run (this process): local streams ${locals.map((t) => t.fullGcs).join(' ')}, buffers ${buffered.map((t) => t.fullGcs).join(' ')}, gateway ${nets.map((t) => t.fullGcs).join(' ')}`);

    // The same three modes again, each run in a fresh process after one warm-up run of the
    // same mode (bench/devices-one.ts): above, a sync runs in a process a local ingest has
    // just used, and pays for the garbage that left (session 5: 7-21 full GCs per 105 MB
    // instead of 2-5, ~25 % more CPU). Both ways are printed; neither is hidden.
    const isolated = { stream: [] as Timing[], buffer: [] as Timing[], sync: [] as Timing[] };
    for (let i = 0; i < runs; i++) {
      for (const mode of ['stream', 'buffer', 'sync'] as const) isolated[mode].push(runIsolated(mode, work, phone));
    }
    const iso = (xs: Timing[], k: 'wall' | 'cpu'): number => median(xs.map((t) => t[k]));
    console.log(`\nEach mode in its own process (one warm-up run each, median of ${runs}):`);
    console.log(row('local ingest (IngestSink, streams)', iso(isolated.stream, 'wall')));
    console.log(row('local ingest (IngestSink, buffers)', iso(isolated.buffer, 'wall')));
    console.log(row('agent → gateway (loopback)', iso(isolated.sync, 'wall')));
    const cost = (a: number, b: number): string => {
      const c = (a / b - 1) * 100;
      return `${c.toFixed(1)} % ${c <= 25 ? 'OK' : 'OVER'}`;
    };
    console.log(`network path cost (target ≤ 25 %): wall vs streams ${cost(iso(isolated.sync, 'wall'), iso(isolated.stream, 'wall'))}, vs buffers ${cost(iso(isolated.sync, 'wall'), iso(isolated.buffer, 'wall'))}; desktop CPU ${iso(isolated.sync, 'cpu').toFixed(2)} s vs ${iso(isolated.stream, 'cpu').toFixed(2)} / ${iso(isolated.buffer, 'cpu').toFixed(2)} s: vs streams ${cost(iso(isolated.sync, 'cpu'), iso(isolated.stream, 'cpu'))}, vs buffers ${cost(iso(isolated.sync, 'cpu'), iso(isolated.buffer, 'cpu'))}`);
    const mainOf = (xs: Timing[]): string => (xs.every((t) => t.mainCpu !== undefined) ? `${median(xs.map((t) => t.mainCpu as number)).toFixed(2)} s` : 'n/a');
    console.log(`main thread CPU (the event loop alone, steadier under load): local ingest ${mainOf(isolated.stream)} (streams) / ${mainOf(isolated.buffer)} (buffers), gateway ${mainOf(isolated.sync)}; held files into reused memory ${median(isolated.sync.map((t) => t.reused ?? 0))}`);
    const rssOf = (xs: Timing[]): string => (xs.every((t) => t.peakRssMb !== undefined) ? `${median(xs.map((t) => t.peakRssMb as number))} MB` : 'n/a');
    console.log(`peak RSS (each process, its warm-up run included): local ingest ${rssOf(isolated.stream)} (streams) / ${rssOf(isolated.buffer)} (buffers), gateway ${rssOf(isolated.sync)}`);
    if (!values['no-floor']) {
      // The wire's own floor (bench/tls-floor.ts): what the desktop spends to receive the same
      // files over TLS 1.3, alone and with the SHA-256 the protocol verifies, set against the
      // same local-ingest CPU as the gateway above: how much of the 25 % the wire alone takes.
      const bufCpuIso = iso(isolated.buffer, 'cpu');
      console.log(`\nThe wire's floor (bench/tls-floor.ts: the desktop's CPU to receive the files over TLS 1.3 with client certificates, nothing stored; a fresh process each, median of ${runs}):`);
      for (const variant of TLS_FLOOR_VARIANTS) {
        const cpu = median(Array.from({ length: runs }, () => tlsFloorRun(phone, variant)));
        console.log(`  ${TLS_FLOOR_LABELS[variant].padEnd(26)} ${cpu.toFixed(2)} CPU s = ${((cpu / bufCpuIso) * 100).toFixed(0)} % of local ingest with buffers (${bufCpuIso.toFixed(2)} s)`);
      }
    }
    console.log(`load average (1 min) at the end: ${(loadavg()[0] ?? 0).toFixed(2)}`);
    rmSync(work, { recursive: true, force: true });
  },
};
