// The vault benchmark: keepsake backup vs restic and borg on the same data in the same
// run (first run, no-change re-run, 5 % modified re-run, full restore, full-read check,
// peak RSS), plus the local limits: the read floor (tar c | cat) and the in-memory crypto
// pipeline (CDC + HMAC + AES-GCM), and the first-backup floor (bench/vault-floor.ts: the
// same files read, cut, MACed and sealed on two workers, then with packs, then with a lean
// encrypted index; each in a fresh process). Prints one table with ratios. Two keepsake columns:
// "keepsake" derives the key from the passphrase on every run (the like-for-like figure:
// restic and borg do the same), "keepsake (session)" runs `keepsake unlock --session` once
// (timed on its own line) and every phase then takes the key from the session holder.
// Flags:
//   --size MB (default 1000)   --cache DIR (default $TMPDIR/keepsake-bench)
//   --tools keepsake,keepsake-session,restic,borg (the default: all four)
//   --no-floor (skip the first-backup floor rows)
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Chunker } from '../main/core/vault/chunker';
import { runFresh } from './fresh-process';
import type { BenchSection } from './run';
import { ensureDataset, heal, modify, type Dataset } from './vault-dataset';
import { VAULT_FLOOR_LABELS, VAULT_FLOOR_VARIANTS, type VaultFloorVariant } from './vault-floor';

interface Measure {
  seconds: number;
  /** user + system CPU seconds: fairer than wall time when the machine is shared. */
  cpu: number;
  rssMb: number;
}

const ROOT = resolve(import.meta.dirname, '..');
const PASS = 'bench-passphrase-not-secret';

/** Runs a command under /usr/bin/time -v; returns wall time and peak RSS; throws on failure. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Measure {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { env: { ...process.env, ...env }, cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  return { seconds, cpu: Number(user?.[1] ?? 0) + Number(sys?.[1] ?? 0), rssMb: m ? Number(m[1]) / 1024 : 0 };
}

interface Tool {
  name: string;
  init(): void;
  backup(tag: string): Measure;
  restore(target: string): Measure;
  check(): Measure;
  /** After the last phase (the session column ends its session here). */
  finish?(): void;
}

let cliBuilt = false;
function buildCliOnce(): void {
  if (cliBuilt) return;
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/build-cli.mjs failed');
  cliBuilt = true;
}

/** CPU seconds and peak RSS of a running process (the session holder is detached: /usr/bin/time never sees it). */
function procFigures(pid: number): { cpu: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s on Linux)
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpu: ticks / 100, rssMb: hwm ? Number(hwm[1]) / 1024 : 0 };
}

/**
 * Times the pre-bundled CLI as an installed keepsake runs it: built here so it matches the
 * sources, and started as a program, as the installed command is. With `session`, its own
 * vault and a private runtime folder; `unlock --session` runs once after init and the
 * phases run with no passphrase in their environment.
 */
function keepsakeTool(work: string, data: string, session = false): Tool {
  const runtime = join(work, 'keepsake-run');
  const base = { KEEPSAKE_HOME: join(work, session ? 'keepsake-session-home' : 'keepsake-home'), KEEPSAKE_CLI_BUNDLE: '1', XDG_RUNTIME_DIR: runtime, KEEPSAKE_SESSION: session ? '' : '0' };
  const withPass = { ...base, KEEPSAKE_PASSPHRASE: PASS };
  const env = session ? { ...base, KEEPSAKE_PASSPHRASE: '' } : withPass;
  const cli = join(ROOT, 'bin', 'keepsake.mjs');
  let holder = 0;
  const name = session ? 'keepsake (session)' : 'keepsake';
  return {
    name,
    init: () => {
      buildCliOnce();
      mkdirSync(runtime, { recursive: true, mode: 0o700 });
      timed(cli, ['init'], withPass);
      if (!session) return;
      const m = timed(cli, ['unlock', '--session'], withPass);
      const status = spawnSync(process.execPath, [cli, 'unlock', '--status', '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
      holder = (JSON.parse(status.stdout) as { session: { pid?: number } }).session.pid ?? 0;
      if (!holder) throw new Error('keepsake unlock --session did not leave a session running');
      console.log(`  ${name} unlock --session (once): ${m.seconds.toFixed(2)} s wall ${m.cpu.toFixed(2)} s CPU ${m.rssMb.toFixed(0)} MB RSS; load ${loadavg()[0]!.toFixed(1)}`);
    },
    backup: () => timed(cli, ['backup', data], env),
    restore: (t) => timed(cli, ['restore', 'latest', t], env),
    check: () => timed(cli, ['check', '--read-data'], env),
    finish: () => {
      if (!session || !holder) return;
      const h = procFigures(holder);
      timed(cli, ['lock'], env);
      console.log(`  session holder over the whole run: ${h.cpu.toFixed(2)} s CPU, ${h.rssMb.toFixed(0)} MB peak RSS (a separate process, not in the column)`);
    },
  };
}

function resticTool(work: string, data: string): Tool {
  const env = { RESTIC_PASSWORD: PASS, RESTIC_REPOSITORY: join(work, 'restic-repo'), RESTIC_CACHE_DIR: join(work, 'restic-cache') };
  return {
    name: 'restic',
    init: () => void timed('restic', ['init', '--repository-version', '2'], env),
    backup: () => timed('restic', ['backup', '--compression', 'off', '-q', data], env),
    restore: (t) => timed('restic', ['restore', 'latest', '--target', t, '-q'], env),
    check: () => timed('restic', ['check', '--read-data', '-q'], env),
  };
}

function borgTool(work: string, data: string): Tool {
  const repo = join(work, 'borg-repo');
  const env = { BORG_PASSPHRASE: PASS, BORG_BASE_DIR: join(work, 'borg-base'), BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes' };
  let last = '';
  return {
    name: 'borg',
    init: () => void timed('borg', ['init', '-e', 'repokey-blake2', repo], env),
    backup: (tag) => {
      last = tag;
      return timed('borg', ['create', '-C', 'none', `${repo}::${tag}`, data], env);
    },
    restore: (t) => {
      mkdirSync(t, { recursive: true });
      return timed('borg', ['extract', `${repo}::${last}`], env, t);
    },
    check: () => timed('borg', ['check', '--verify-data', repo], env),
  };
}

function readFloor(data: string): number {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `tar cf - -C "${data}" . | cat > /dev/null`]);
  if (r.status !== 0) throw new Error('tar failed');
  return (performance.now() - t0) / 1000;
}

/** One first-backup floor variant in a fresh process (bench/vault-floor.ts). */
function vaultFloorRun(data: string, variant: VaultFloorVariant, dir: string): { wallSeconds: number; cpuSeconds: number; load: string } {
  spawnSync('sync'); // the previous run's writes land outside this timing
  const load = loadavg()[0]!.toFixed(1);
  return { ...runFresh<{ wallSeconds: number; cpuSeconds: number }>('vault-floor.ts', [data, variant, dir]), load };
}

function cryptoPipeline(mb: number): number {
  const data = randomBytes(mb * 1024 * 1024);
  const key = randomBytes(32);
  const chunker = new Chunker(undefined, key);
  const t0 = performance.now();
  for (const c of chunker.split(data)) {
    createHmac('sha256', key).update(c).digest();
    const e = createCipheriv('aes-256-gcm', key, randomBytes(12));
    e.update(c);
    e.final();
    e.getAuthTag();
  }
  return mb / 1.048576 / ((performance.now() - t0) / 1000);
}

export const vaultSection: BenchSection = {
  name: 'vault',
  summary: 'keepsake backup vs restic and borg, and the local limits',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { size: { type: 'string' }, cache: { type: 'string' }, tools: { type: 'string' }, 'no-floor': { type: 'boolean' } }, strict: false });
    const sizeMb = Number(values.size ?? 1000);
    const cache = typeof values.cache === 'string' ? values.cache : join(tmpdir(), 'keepsake-bench');
    const names = (typeof values.tools === 'string' ? values.tools : 'keepsake,keepsake-session,restic,borg').split(',');
    const ds: Dataset = ensureDataset(cache, sizeMb);
    const mbs = ds.bytes / 1e6;
    console.log(`Data set: ${ds.bigFiles} photos/videos + ${ds.smallFiles} small files, ${mbs.toFixed(0)} MB, in ${ds.dir}`);
    const work = join(cache, 'work');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    for (const bin of ['restic', 'borg']) {
      if (names.includes(bin) && spawnSync(bin, [bin === 'restic' ? 'version' : '--version']).status !== 0) {
        console.log(`${bin} is missing; installing it with apt-get …`);
        spawnSync('apt-get', ['install', '-y', bin === 'borg' ? 'borgbackup' : 'restic'], { stdio: 'inherit' });
      }
    }
    const all: Record<string, Tool> = { keepsake: keepsakeTool(work, ds.dir), 'keepsake-session': keepsakeTool(work, ds.dir, true), restic: resticTool(work, ds.dir), borg: borgTool(work, ds.dir) };
    const tools = names.map((n) => all[n]).filter((t): t is Tool => !!t);
    readFloor(ds.dir); // warm the page cache so every tool reads from the same state
    const floor = readFloor(ds.dir);
    const pipeline = cryptoPipeline(Math.min(512, Math.max(64, Math.round(sizeMb / 4))));
    const results: Record<string, Record<string, Measure>> = {};
    for (const t of tools) {
      t.init();
      results[t.name] = {};
    }
    const phase = (label: string, fn: (t: Tool) => Measure): void => {
      for (const t of tools) {
        const m = fn(t);
        results[t.name]![label] = m;
        console.log(`  ${t.name.padEnd(18)} ${label.padEnd(12)} ${m.seconds.toFixed(2).padStart(8)} s wall ${m.cpu.toFixed(2).padStart(8)} s CPU ${m.rssMb.toFixed(0).padStart(6)} MB RSS`);
      }
    };
    let modified = false;
    try {
      phase('first', (t) => t.backup('first'));
      phase('no-change', (t) => t.backup('nochange'));
      const changed = modify(ds, sizeMb);
      modified = true;
      console.log(`  (modified ${changed} files)`);
      phase('5%-changed', (t) => t.backup('changed'));
      // Every tool restores into a fresh folder and no restore is deleted until all have
      // run. On an ext4 without a journal (this VM's root), the kernel skips inodes freed in
      // the last 60-300 s one by one when it allocates a new one (recently_deleted() in
      // find_inode_bit: ~70 % of a file create's system time in perf after a mass delete),
      // so a tool that restored right after the previous tool's 20,000 files were deleted
      // paid 0.2-0.9 ms per file instead of 0.03-0.07 ms: the order of the tools decided the
      // restore figures (docs/performance.md, "Session 5: restore and memory").
      const restored: string[] = [];
      phase('restore', (t) => {
        const target = join(work, `restore-${t.name}`);
        spawnSync('sync');
        restored.push(target);
        const m = t.restore(target);
        // keepsake's restore makes its files durable before it renames them (syncfs inside
        // its timing); restic and borg leave theirs in the page cache. The same flush, timed
        // right after every tool's restore, gives the like-for-like 'restore+sync' row.
        const s = timed('sync', ['-f', target]);
        results[t.name]!['restore+sync'] = { seconds: m.seconds + s.seconds, cpu: m.cpu + s.cpu, rssMb: m.rssMb };
        return m;
      });
      for (const t of tools) {
        const w = results[t.name]!['restore+sync']!;
        console.log(`  ${t.name.padEnd(18)} ${'restore+sync'.padEnd(12)} ${w.seconds.toFixed(2).padStart(8)} s wall ${w.cpu.toFixed(2).padStart(8)} s CPU`);
      }
      for (const target of restored) rmSync(target, { recursive: true, force: true });
      spawnSync('sync'); // the deletions' writeback and discards land here, outside every timing
      phase('check', (t) => t.check());
    } finally {
      if (modified) heal(ds, sizeMb);
      for (const t of tools) t.finish?.();
    }
    // After every tool: the floors write and delete ~3 GB of packs, and the disk's writeback
    // and discards of that slowed the tools' first backups when they ran before them.
    // The data set is read once first: after the tools' restores and deletes, the first
    // floor run read slower than the others by 2-3 s (seen in two runs of two).
    if (!values['no-floor']) readFloor(ds.dir);
    const floors = values['no-floor'] ? [] : VAULT_FLOOR_VARIANTS.map((v) => ({ variant: v, ...vaultFloorRun(ds.dir, v, join(work, 'floor')) }));
    const r = results;
    const k = r.keepsake;
    // every keepsake column against each other tool present: keepsake/restic, session/restic, …
    const pairs: Array<[string, string, string]> = [];
    for (const [mine, short] of [['keepsake', 'keepsake'], ['keepsake (session)', 'session']] as const) {
      for (const other of ['restic', 'borg']) if (r[mine] && r[other]) pairs.push([mine, other, `${short}/${other}`]);
    }
    const rows: string[][] = [['measure', ...tools.map((t) => t.name), ...pairs.map((p) => p[2])]];
    for (const label of ['first', 'no-change', '5%-changed', 'restore', 'restore+sync', 'check']) {
      rows.push([`${label} (s)`, ...tools.map((t) => r[t.name]![label]!.seconds.toFixed(2)), ...pairs.map(([a, b]) => (r[a]![label]!.seconds / r[b]![label]!.seconds).toFixed(2))]);
    }
    for (const label of ['first', 'no-change', '5%-changed', 'restore', 'check']) {
      rows.push([`${label} (CPU s)`, ...tools.map((t) => r[t.name]![label]!.cpu.toFixed(2)), ...pairs.map(([a, b]) => (r[a]![label]!.cpu / r[b]![label]!.cpu).toFixed(2))]);
    }
    const peak = (name: string): number => Math.max(...Object.values(r[name]!).map((m) => m.rssMb));
    rows.push(['peak RSS (MB)', ...tools.map((t) => peak(t.name).toFixed(0)), ...pairs.map(([a, b]) => (peak(a) / peak(b)).toFixed(2))]);
    rows.push(['first backup MB/s', ...tools.map((t) => (mbs / r[t.name]!.first!.seconds).toFixed(0)), ...pairs.map(([a, b]) => `${(r[b]!.first!.seconds / r[a]!.first!.seconds).toFixed(2)}× faster`)]);
    console.log('');
    for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(20) : c.padStart(20))).join(''));
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
    console.log(`\nread floor (tar c | cat): ${floor.toFixed(2)} s = ${(mbs / floor).toFixed(0)} MB/s` + (k ? `; keepsake first backup / floor = ${(k.first!.seconds / floor).toFixed(2)}` : ''));
    console.log(`crypto pipeline in memory (CDC + HMAC-SHA256 + AES-256-GCM, one thread): ${pipeline.toFixed(0)} MiB/s`);
    if (floors.length > 0) {
      const restic = r.restic?.first?.seconds;
      console.log('first-backup floor (bench/vault-floor.ts: the least any backup with this cryptography does here; a fresh process each, after the tools ran):');
      for (const f of floors) {
        const vsRestic = restic ? `, ${(f.wallSeconds / restic).toFixed(2)}× restic's first backup` : '';
        console.log(`  ${VAULT_FLOOR_LABELS[f.variant].padEnd(46)} ${f.wallSeconds.toFixed(2).padStart(6)} s wall ${f.cpuSeconds.toFixed(2).padStart(6)} CPU s = ${(f.wallSeconds / floor).toFixed(2)}× the read floor${vsRestic}; load ${f.load}`);
      }
    }
    const out = join(cache, `vault-bench-${sizeMb}mb.json`);
    writeFileSync(out, JSON.stringify({ sizeMb, bytes: ds.bytes, floor, pipeline, floors, results }, null, 2));
    console.log(`(raw figures: ${out})`);
  },
};
