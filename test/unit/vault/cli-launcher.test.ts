// The installed `keepsake` command is bin/keepsake.mjs run as a program (npm links it):
// its first line must start Node, and a command must work through it. It starts Node with
// no memory flags: a 2 MiB semi-space and two malloc arenas lowered peak RSS by ~10 % but
// cost the first backup 5–10 % CPU in the lead's quiet pairs (docs/performance.md,
// "Session 6: memory and the chunker"), and speed is the target here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../../bin/keepsake.mjs');

describe('bin/keepsake.mjs run as a program', () => {
  it('runs the command through its first line', () => {
    const r = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('starts plain Node (no flags the process could not change later)', () => {
    expect(readFileSync(BIN, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
  });
});
