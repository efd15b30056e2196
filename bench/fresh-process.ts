// Helpers the benches share: a bench script run in a fresh Node process (the floors and the
// devices bench's per-mode runs each need a process that nothing else has warmed or
// littered), and the files under a folder in a fixed order.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const TSX = join(import.meta.dirname, '..', 'bin', 'tsx.mjs');

/**
 * Runs bench/<script> with `args` in a fresh process and returns the JSON of its last
 * stdout line. `stderr: 'inherit'` shows the child's own messages as they come; otherwise
 * their tail is part of the error when the child fails.
 */
export function runFresh<T>(script: string, args: string[], stderr: 'pipe' | 'inherit' = 'pipe'): T {
  const r = spawnSync(process.execPath, [TSX, join(import.meta.dirname, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', stderr] });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${r.status ?? r.signal})${r.stderr ? `:\n${r.stderr.slice(-2000)}` : ''}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

/** Every file under `root` (any depth), as full paths in sorted order. */
export function filesUnder(root: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out.sort();
}
