// Shared by the CLI session tests: run `keepsake` against a temp data folder and a temp
// XDG_RUNTIME_DIR (so tests never meet a real session or each other) — as a real process
// (`ks`) or through runCli in this process (`cli`: the same commands without paying
// Node + tsx start-up per call; the session holder is a real process either way) — and
// wait for a holder process or socket to go away.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../../main/cli/run';
import { socketPathFor } from '../../../main/core/vault/session/socket-path';

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliWorld {
  home: string;
  env: NodeJS.ProcessEnv;
  ks(args: string[], extra?: NodeJS.ProcessEnv, input?: string): Promise<Run>;
  cli(args: string[], extra?: NodeJS.ProcessEnv, input?: string): Promise<Run>;
  socket(): string;
}

/** A data folder and a private runtime dir under `root`; `pass` is exported as KEEPSAKE_PASSPHRASE. */
export function cliWorld(root: string, name: string, pass: string, entry = 'bin/keepsake.mjs'): CliWorld {
  const runtime = join(root, 'run');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  const home = join(root, name);
  const env: NodeJS.ProcessEnv = { ...process.env, KEEPSAKE_HOME: home, KEEPSAKE_PASSPHRASE: pass, XDG_RUNTIME_DIR: runtime, KEEPSAKE_SESSION: '' };
  return {
    home,
    env,
    socket: () => socketPathFor(home, env),
    cli: async (args, extra = {}, input = '') => {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const status = await runCli(args, { ...env, ...extra }, { out: (l) => stdout.push(l), err: (l) => stderr.push(l), stdin: Readable.from([Buffer.from(input)]) });
      return { status, stdout: stdout.map((l) => `${l}\n`).join(''), stderr: stderr.map((l) => `${l}\n`).join('') };
    },
    ks: (args, extra = {}, input = '') =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [entry, ...args], { env: { ...env, ...extra }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
        child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
        child.stdin.end(input);
        child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
      }),
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `done()` holds; fails after `limitMs` (a hang guard, not a timing assertion). */
export async function until(done: () => boolean, limitMs = 20_000): Promise<void> {
  const stop = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > stop) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const gone = (path: string): boolean => !existsSync(path);
