// Passphrase stretching with Argon2id (@node-rs/argon2 `hashRaw`: native, runs off the
// event loop). Parameters are calibrated on this machine when a passphrase slot is written
// so one guess costs at least ~0.5 s, and never go below the floors below. A slot whose
// stored parameters are under the current floor is re-wrapped at the next unlock.
import type * as Argon2 from '@node-rs/argon2';
import { KeepsakeError } from '../../../../common/errors';

export interface Argon2Params {
  /** Memory in KiB (Argon2's m). */
  memoryKiB: number;
  /** Passes over memory (Argon2's t). */
  timeCost: number;
  /** Lanes (Argon2's p). */
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for Argon2id: m = 19 MiB, t = 2, p = 1. Nothing we store is ever below it. */
export const OWASP_MINIMUM: Readonly<Argon2Params> = { memoryKiB: 19 * 1024, timeCost: 2, parallelism: 1 };

/**
 * The current policy floor: RFC 9106 §4's second recommended option (64 MiB, t = 3). Raise
 * it in a later release and every older slot is re-wrapped at its next unlock.
 */
export const CURRENT_FLOOR: Readonly<Argon2Params> = { memoryKiB: 64 * 1024, timeCost: 3, parallelism: 1 };

/** Minimum wall time of one derivation on the machine that calibrates. */
export const TARGET_MS = 500;

/**
 * Tiny parameters for unit tests of other modules only (fastKdfForTests). They are far
 * below the floor on purpose and a vault made with them must never hold real data.
 */
export const TEST_PARAMS: Readonly<Argon2Params> = { memoryKiB: 1024, timeCost: 1, parallelism: 1 };

/**
 * Upper bounds accepted from a slot file: a damaged or hostile file must not make unlock
 * allocate gigabytes or run for hours (that is reported as CORRUPT instead).
 */
const MAX: Argon2Params = { memoryKiB: 4 * 1024 * 1024, timeCost: 1000, parallelism: 16 };

// The enum is a `const enum` in the typings, which isolatedModules cannot inline.
const ARGON2ID = 2 as Argon2.Algorithm;

/**
 * The native addon, loaded on first use: a command that takes its key from a CLI session
 * never stretches a passphrase, and loading it cost every such run 6-21 ms of CPU and
 * ~4 MB before the first file.
 */
const argon2 = (): Promise<typeof Argon2> => import('@node-rs/argon2');

export function withinBounds(p: Argon2Params): boolean {
  const ok = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  return ok(p.memoryKiB, 8 * p.parallelism, MAX.memoryKiB) && ok(p.timeCost, 1, MAX.timeCost) && ok(p.parallelism, 1, MAX.parallelism);
}

/** True when every parameter reaches `floor` (the stored slot is strong enough). */
export function meetsFloor(p: Argon2Params, floor: Readonly<Argon2Params> = CURRENT_FLOOR): boolean {
  return p.memoryKiB >= floor.memoryKiB && p.timeCost >= floor.timeCost && p.parallelism >= floor.parallelism;
}

/** Stretches a passphrase into a 32-byte key-encryption key. */
export async function deriveFromPassphrase(passphrase: string, salt: Buffer, p: Argon2Params): Promise<Buffer> {
  if (!withinBounds(p)) throw new KeepsakeError('CORRUPT', 'The key file asks for impossible passphrase-stretching settings; it is damaged.');
  // NFC so the same passphrase typed on different keyboards/OSes gives the same key.
  const input = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  try {
    return await (await argon2()).hashRaw(input, { algorithm: ARGON2ID, memoryCost: p.memoryKiB, timeCost: p.timeCost, parallelism: p.parallelism, outputLen: 32, salt });
  } finally {
    input.fill(0);
  }
}

let calibrated: Promise<Argon2Params> | null = null;

/**
 * Parameters that take at least TARGET_MS here, never below CURRENT_FLOOR: keeps m at 64 MiB
 * and p at 1 and raises t (Argon2's cost is about m × t). Measured once per process.
 */
export function calibratedParams(): Promise<Argon2Params> {
  calibrated ??= calibrate().catch((e: unknown) => {
    calibrated = null;
    throw e;
  });
  return calibrated;
}

async function timeOnce(p: Argon2Params): Promise<number> {
  const start = process.hrtime.bigint();
  await (await argon2()).hashRaw('keepsake-calibration', { algorithm: ARGON2ID, memoryCost: p.memoryKiB, timeCost: p.timeCost, parallelism: p.parallelism, outputLen: 32, salt: Buffer.alloc(16, 7) });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * The fastest of a few runs: other work on the machine (and the first run's page faults)
 * only ever makes a run slower, so the minimum is the best estimate of the real cost.
 * A busy moment could otherwise pass weak settings off as "0.5 s".
 */
async function fastest(p: Argon2Params, runs: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) best = Math.min(best, await timeOnce(p));
  return best;
}

async function calibrate(): Promise<Argon2Params> {
  const p: Argon2Params = { ...CURRENT_FLOOR };
  let ms = await fastest(p, 3);
  // Aim 10 % over target so a slightly quieter moment does not land just under it.
  for (let i = 0; i < 6 && ms < TARGET_MS; i++) {
    const next = Math.ceil((p.timeCost * TARGET_MS * 1.1) / Math.max(ms, 1));
    p.timeCost = Math.min(MAX.timeCost, Math.max(p.timeCost + 1, next));
    ms = await fastest(p, 2);
  }
  return p;
}
