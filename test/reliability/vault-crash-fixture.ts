// The deterministic items and helpers the kill -9 suites share (not a test file): an
// item's content follows from its key, so any item visible after a crash can be checked
// for being whole, and a harness that spawns the child and kills it at a seeded moment.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { NewItem } from '../../main/core/vault/types';

export const CRASH_PASS = 'crash-test-passphrase';
export const CRASH_CHUNKS = { minSize: 4096, avgSize: 16384, maxSize: 65536 };

export function contentFor(key: string): Buffer {
  const size = 1000 + (createHash('sha256').update(key).digest().readUInt32BE(0) % 120_000);
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`data:${key}`).digest();
  for (let off = 0; off < size; off += 32) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export function crashItem(key: string): NewItem {
  return { category: 'photo', sourceKey: key, title: key, text: `item ${key}`, fields: { key }, personal: true, files: [{ role: 'original', name: `${key}.jpg`, mime: 'image/jpeg', data: contentFor(key) }] };
}

/** Seeded PRNG (mulberry32) so a failing iteration can be replayed by its seed. */
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

/**
 * Runs the child in `mode` and SIGKILLs it `delayMs` after READY, or as soon as it prints
 * `killOn` when that is given (a deterministic crash point); returns its ACK lines.
 */
export function runAndKill(args: string[], delayMs: number, killOn?: string): Promise<{ acks: string[]; finished: boolean }> {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'tsx.mjs'), join(process.cwd(), 'test', 'reliability', 'vault-crash-child.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killOn && out.includes(`${killOn}\n`)) child.kill('SIGKILL');
      else if (!killOn && !timer && out.includes('READY\n')) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) return reject(new Error(`crash child failed (${code}): ${err.slice(-1500)}`));
      const lines = out.split('\n');
      // a line cut by the kill has no newline yet and is not an acknowledgement
      resolve({ acks: lines.slice(0, -1).filter((l) => l.startsWith('ACK ')).map((l) => l.slice(4)), finished: out.includes('DONE\n') });
    });
  });
}

export const ITERATIONS = process.env.KEEPSAKE_RELIABILITY === '1' ? 200 : 10;
