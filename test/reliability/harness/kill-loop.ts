// The shared kill-loop harness (RELIABILITY rows 1, 2, 7, 9 and the cloud/phone variants):
// run a child process doing one operation; the child appends one fsynced line to an
// acknowledged-operations log after each acknowledgement; SIGKILL it at a seeded random
// moment; reopen and check the vault (structure every run, --read-data every N runs);
// compare with the ack log; repeat. Returns the figures { runs, failures, corruptVaults,
// lostAcked } and the seed of each failure so it can be replayed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const CHILD = join(import.meta.dirname, 'op-child.ts');

/** A line the child wrote (and fsynced) after the operation acknowledged something. */
export type Ack = Record<string, unknown>;

export interface Verdict {
  /** The vault's own check (integrity, chunks, AEAD, MAC ids) found problems. */
  corrupt: boolean;
  /** Acknowledged things missing or not hash-equal (named by key). */
  lost: string[];
  /** Anything else wrong: a partial item visible, a rerun that does not finish. */
  problems: string[];
}

export interface KillLoopOperation {
  name: string;
  /** Arguments for op-child.ts in this iteration (the ack log path is appended by the harness). */
  args(iteration: number): string[];
  /** Work done in the parent before the child starts (new items to compact, files to back up). */
  before?(iteration: number, random: () => number): Promise<void>;
  /** Reopen, check and compare with every ack so far (all iterations). */
  verify(acks: Ack[], ctx: { iteration: number; readData: boolean; thisRun: Ack[] }): Promise<Verdict>;
  /** Kill moment after READY: uniform in [0, maxDelayMs). */
  maxDelayMs: number;
  /**
   * Runs per vault: the operation starts a fresh vault every `epochLength` runs (its paths
   * follow epochOf(i)) so a 200-run loop stays bounded in disk and check time; the ack log
   * starts afresh with it.
   */
  epochLength: number;
}

export const epochOf = (op: Pick<KillLoopOperation, 'epochLength'>, iteration: number): number => Math.floor(iteration / op.epochLength);

export interface KillLoopFigures {
  operation: string;
  runs: number;
  failures: number;
  corruptVaults: number;
  lostAcked: number;
  /** Iterations where the child had finished before the kill landed (no kill, still checked). */
  finishedBeforeKill: number;
  /** Acknowledgements logged over all runs (each checked after its run). */
  acked: number;
  failedSeeds: Array<{ iteration: number; seed: number; detail: string }>;
}

export interface KillLoopOptions {
  iterations: number;
  seed: number;
  /** --read-data every N iterations (and always on the last one). */
  readDataEvery?: number;
  /** Stop at the first failure (tests) rather than counting on (figures runs). */
  stopOnFailure?: boolean;
  /** Called after every run with the figures so far (long runs save them as they go). */
  onRun?: (figures: KillLoopFigures) => void;
}

/** Seeded PRNG (mulberry32) so a failing iteration can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines of the ack log; a last line without its newline was cut by the kill and does not count. */
export function readAckLog(path: string): Ack[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
  return lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as Ack);
}

/** Runs op-child.ts with `args`; SIGKILL `delayMs` after it prints READY. */
export function runChild(args: string[], delayMs: number, env: NodeJS.ProcessEnv = {}): Promise<{ killed: boolean; stderr: string }> {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'tsx.mjs'), CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, VITEST: '' },
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('READY\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve({ killed: true, stderr: err });
      if (code !== 0) return reject(new Error(`${args[0]} child failed (${code}): ${err.slice(-2000)}`));
      resolve({ killed: false, stderr: err });
    });
  });
}

export async function runKillLoop(op: KillLoopOperation, dir: string, opts: KillLoopOptions): Promise<KillLoopFigures> {
  const figures: KillLoopFigures = { operation: op.name, runs: 0, failures: 0, corruptVaults: 0, lostAcked: 0, finishedBeforeKill: 0, acked: 0, failedSeeds: [] };
  const ackLog = join(dir, `${op.name}.acks.jsonl`);
  rmSync(ackLog, { force: true });
  const every = opts.readDataEvery ?? 5;
  for (let i = 0; i < opts.iterations; i++) {
    const seed = opts.seed * 100_000 + i;
    const random = rng(seed);
    if (i > 0 && i % op.epochLength === 0) rmSync(ackLog, { force: true });
    await op.before?.(i, random);
    const delay = Math.floor(random() * op.maxDelayMs);
    const before = readAckLog(ackLog).length;
    const { killed } = await runChild([...op.args(i), ackLog], delay);
    if (!killed) figures.finishedBeforeKill++;
    const acks = readAckLog(ackLog);
    const v = await op.verify(acks, { iteration: i, readData: i % every === 0 || i === opts.iterations - 1, thisRun: acks.slice(before) });
    figures.runs++;
    figures.acked += acks.length - before;
    if (v.corrupt) figures.corruptVaults++;
    figures.lostAcked += v.lost.length;
    if (v.corrupt || v.lost.length || v.problems.length) {
      figures.failures++;
      figures.failedSeeds.push({ iteration: i, seed, detail: [...v.problems, ...v.lost.map((k) => `lost ${k}`)].join('; ').slice(0, 500) });
      if (opts.stopOnFailure) break;
    }
    opts.onRun?.(figures);
  }
  return figures;
}

/** Iterations per operation: a few in `npm test`, 200 with KEEPSAKE_RELIABILITY=1. */
export const KILL_ITERATIONS = process.env.KEEPSAKE_RELIABILITY === '1' ? Number(process.env.KEEPSAKE_KILL_ITERATIONS ?? 200) : Number(process.env.KEEPSAKE_KILL_ITERATIONS ?? 2);
