// The installed `keepsake` command starts Node with its memory settings: bin/keepsake.mjs's
// first line caps V8's young generation and glibc's malloc arenas (docs/performance.md,
// "Session 6: memory and the chunker"). Run as a program, as npm's link runs it, the
// process must carry both, and a command must still work through that line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../../bin/keepsake.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ks-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bin/keepsake.mjs run as a program', () => {
  it('starts Node with a 2 MiB semi-space and two malloc arenas, and runs the command', () => {
    // a preload (NODE_OPTIONS reaches the process the first line starts) records what it got
    const probe = join(dir, 'probe.cjs');
    const seen = join(dir, 'seen.json');
    writeFileSync(probe, `require('node:fs').writeFileSync(${JSON.stringify(seen)}, JSON.stringify({ execArgv: process.execArgv, arenas: process.env.MALLOC_ARENA_MAX ?? null }));`);
    const env = { ...process.env, NODE_OPTIONS: `--require ${probe}`, MALLOC_ARENA_MAX: '' };
    const r = spawnSync(BIN, ['--version'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const got = JSON.parse(readFileSync(seen, 'utf8')) as { execArgv: string[]; arenas: string | null };
    expect(got.execArgv).toContain('--max-semi-space-size=2');
    expect(got.arenas).toBe('2');
  });

  it('keeps the settings on its first line, the only place the kernel and npm read them', () => {
    const first = readFileSync(BIN, 'utf8').split('\n', 1)[0];
    expect(first).toBe('#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=2');
  });
});
