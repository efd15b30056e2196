// The client side of a CLI session (holder.ts): start a holder for an unlocked vault, and
// ask a running one for the key, its status, or to end. Every question has a short
// deadline, so a dead or stopped holder never hangs a command: a socket nobody listens on
// (holder killed -9) is removed and reported as "stale", silence as "timeout", and the
// caller falls back to the passphrase.
import { spawn } from 'node:child_process';
import { lstatSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeepsakeError } from '../../../../common/errors';
import { vaultLayout } from '../layout';
import { MAX_LINE, parseResponse, PROTOCOL_VERSION, type HolderConfig, type SessionInfo, type SessionOp, type SessionResponse } from './protocol';
import { canonicalFolder, checkSessionDir, ensureSessionDir, sessionsSupported, socketPathFor } from './socket-path';

/** How long a command waits for a session's answer before using the passphrase instead. */
export const ASK_TIMEOUT_MS = 1500;
/** How long `unlock --session` waits for the holder to start (tsx alone can take seconds on a busy machine). */
const START_TIMEOUT_MS = 30_000;

export type SessionAnswer =
  | { kind: 'none' }
  | { kind: 'stale' }
  | { kind: 'timeout' }
  | { kind: 'unsafe'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'answer'; response: SessionResponse };

function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 0;
}

/** Sends one request to the session of `dataFolder`, if one is there. Never throws. */
export async function askSession(dataFolder: string, op: SessionOp, env: NodeJS.ProcessEnv = process.env, timeoutMs = ASK_TIMEOUT_MS): Promise<SessionAnswer> {
  if (!sessionsSupported) return { kind: 'none' };
  const folder = canonicalFolder(dataFolder);
  const path = socketPathFor(folder, env);
  try {
    const st = lstatSync(path);
    checkSessionDir(dirname(path));
    if (!st.isSocket() || st.uid !== uid()) return { kind: 'unsafe', message: `${path} is not a session socket of yours` };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unsafe', message: e instanceof Error ? e.message : String(e) };
  }
  const line = `${JSON.stringify({ v: PROTOCOL_VERSION, op, folder })}\n`;
  return new Promise((resolvePromise) => {
    let settled = false;
    let buf = Buffer.alloc(0);
    const sock = createConnection(path);
    const done = (answer: SessionAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      buf.fill(0);
      resolvePromise(answer);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    sock.on('connect', () => sock.write(line));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      chunk.fill(0);
      const nl = buf.indexOf(10);
      if (nl < 0 && buf.length <= MAX_LINE) return;
      const response = nl < 0 ? null : parseResponse(buf.subarray(0, nl).toString('utf8'));
      done(response ? { kind: 'answer', response } : { kind: 'failed', message: 'the session answered something Keepsake does not understand' });
    });
    sock.on('end', () => done({ kind: 'failed', message: 'the session closed the connection without answering' }));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') {
        // nobody listens: the holder died without cleaning up (kill -9, power loss)
        removeStaleSocket(path);
        done({ kind: 'stale' });
      } else if (e.code === 'ENOENT') done({ kind: 'none' });
      else done({ kind: 'failed', message: `the session could not be reached (${e.code ?? e.message})` });
    });
  });
}

function removeStaleSocket(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // someone else removed it first
  }
}

/** The key from a running session, or why there is none. The caller owns (and wipes) the key. */
export async function sessionKey(dataFolder: string, env: NodeJS.ProcessEnv = process.env): Promise<{ key: Buffer; info: SessionInfo } | { key: null; answer: SessionAnswer }> {
  const answer = await askSession(dataFolder, 'key', env);
  if (answer.kind === 'answer' && answer.response.ok && answer.response.key) {
    const { key: hex, ok: _ok, ...info } = answer.response;
    return { key: Buffer.from(hex, 'hex'), info };
  }
  return { key: null, answer };
}

/** Where the holder's process entry is: beside this module (sources) or beside the bundle's chunk. */
export function holderEntry(): string {
  return fileURLToPath(new URL('./session-holder-entry.mjs', import.meta.url));
}

export interface StartOptions {
  idleMs: number;
  maxMs: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a session holder for an unlocked vault (ending any session already running for
 * it). The key goes to the holder on its stdin; the holder gets no environment but PATH
 * and TMPDIR, so the passphrase variable never reaches it.
 */
export async function startSession(dataFolder: string, masterKey: Buffer, vaultId: string, opts: StartOptions): Promise<SessionInfo> {
  const env = opts.env ?? process.env;
  const folder = canonicalFolder(dataFolder);
  ensureSessionDir(env);
  await askSession(folder, 'lock', env);
  const config: HolderConfig = { folder, socket: socketPathFor(folder, env), slotFile: vaultLayout(folder).keySlots, vaultId, idleMs: opts.idleMs, maxMs: opts.maxMs };
  const childEnv: NodeJS.ProcessEnv = { PATH: env.PATH ?? '' };
  if (env.TMPDIR) childEnv.TMPDIR = env.TMPDIR;
  const child = spawn(process.execPath, [holderEntry()], { detached: true, stdio: ['pipe', 'pipe', 'ignore'], cwd: '/', env: childEnv });
  const payload = Buffer.concat([Buffer.from(`${JSON.stringify(config)}\n`), masterKey]);
  child.stdin.on('error', () => {});
  child.stdin.end(payload, () => payload.fill(0));
  return new Promise<SessionInfo>((resolvePromise, reject) => {
    let text = '';
    let settled = false;
    const finish = (err: KeepsakeError | null, info?: SessionInfo): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.unref();
      if (err) {
        child.kill('SIGTERM');
        reject(err);
      } else if (info) resolvePromise(info);
    };
    const timer = setTimeout(() => finish(new KeepsakeError('INTERNAL', 'The session did not start in time.')), START_TIMEOUT_MS);
    child.on('error', (e) => finish(new KeepsakeError('INTERNAL', `The session could not be started (${e.message}).`)));
    child.on('close', () => finish(new KeepsakeError('INTERNAL', `The session stopped while starting${text ? ` (${text.trim().replace(/^error /, '')})` : ''}.`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      text += s;
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      const line = text.slice(0, nl);
      if (line.startsWith('ready ')) {
        const info = JSON.parse(line.slice(6)) as SessionInfo;
        finish(null, info);
      } else {
        const message = line.replace(/^error /, '');
        finish(new KeepsakeError(/already running/.test(message) ? 'CONFLICT' : 'INTERNAL', `The session could not be started: ${message}.`));
      }
    });
  });
}
