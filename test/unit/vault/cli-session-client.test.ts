// The session client against holders that misbehave (stand-in servers on a real Unix
// socket in a private runtime folder): malformed or oversized answers are refused, a
// silent server times out, a socket nobody listens on is removed as stale, and a socket
// that is not ours or sits in a folder others can enter is not used. Plus the protocol's
// parsers on their own.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { askSession, sessionKey } from '../../../main/core/vault/session/client';
import { parseHolderConfig, parseRequest, parseResponse } from '../../../main/core/vault/session/protocol';
import { socketPathFor } from '../../../main/core/vault/session/socket-path';
import { gone } from './cli-session-helpers';
import { tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;
let folder: string;
let server: Server | null = null;

beforeAll(() => {
  t = tempDir('ks-session-client-');
  folder = `${t.dir}/home`;
  mkdirSync(folder);
  env = { XDG_RUNTIME_DIR: `${t.dir}/run` };
  mkdirSync(dirname(socketPathFor(folder, env)), { recursive: true, mode: 0o700 });
});
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = null;
});
afterAll(() => t.cleanup());

/** A stand-in holder that answers every connection with `answer` (or nothing). */
function fakeHolder(answer: string | null): Promise<void> {
  return new Promise((resolve) => {
    server = createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', () => {
        if (answer !== null) sock.end(answer);
      });
    });
    server.listen(socketPathFor(folder, env), () => resolve());
  });
}

const info = { vaultId: 'v', pid: 1, startedAt: 1, idleUntil: 2, until: 3 };

describe('the session client', () => {
  it('takes a well-formed key answer and refuses malformed ones', async () => {
    await fakeHolder(`${JSON.stringify({ ok: true, ...info, key: 'ab'.repeat(32) })}\n`);
    const got = await sessionKey(folder, env);
    expect(got.key?.equals(Buffer.alloc(32, 0xab))).toBe(true);
    await new Promise((r) => server!.close(r));

    for (const bad of [
      `${JSON.stringify({ ok: true, ...info, key: 'ab'.repeat(31) })}\n`,
      `${JSON.stringify({ ok: true, ...info, key: 'AB'.repeat(32) })}\n`,
      `${JSON.stringify({ ok: true, ...info, extra: 1 })}\n`,
      `${JSON.stringify({ ok: false, error: 'nope' })}\n`,
      'not json\n',
      'x'.repeat(10_000),
    ]) {
      await fakeHolder(bad);
      const answer = await askSession(folder, 'key', env);
      expect(answer.kind, bad.slice(0, 40)).toBe('failed');
      await new Promise((r) => server!.close(r));
    }
    server = null;
  });

  it('gives up on a silent session after its deadline instead of hanging', async () => {
    await fakeHolder(null);
    expect(await askSession(folder, 'key', env, 300)).toEqual({ kind: 'timeout' });
  });

  it('removes a socket nobody listens on, and says so once', async () => {
    const path = socketPathFor(folder, env);
    // a listener killed with SIGKILL leaves its socket file behind, like a holder killed -9
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(gone(path)).toBe(false);
    expect(await askSession(folder, 'key', env)).toEqual({ kind: 'stale' });
    expect(gone(path)).toBe(true);
    expect(await askSession(folder, 'key', env)).toEqual({ kind: 'none' });
  });

  it('does not use a socket path that is not a socket, or a folder others can enter', async () => {
    const path = socketPathFor(folder, env);
    writeFileSync(path, 'not a socket');
    expect((await askSession(folder, 'key', env)).kind).toBe('unsafe');
    chmodSync(path, 0o600);
    const dir = dirname(path);
    chmodSync(dir, 0o755);
    try {
      const answer = await askSession(folder, 'key', env);
      expect(answer.kind).toBe('unsafe');
      expect(answer.kind === 'unsafe' && answer.message).toMatch(/not private to you/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});

describe('the session protocol', () => {
  it('accepts exactly the request shape', () => {
    expect(parseRequest('{"v":1,"op":"key","folder":"/x"}')).toEqual({ v: 1, op: 'key', folder: '/x' });
    for (const bad of ['', '{}', 'null', '[]', '{"v":1,"op":"key","folder":""}', '{"v":"1","op":"key","folder":"/x"}', '{"v":1,"op":"KEY","folder":"/x"}', `{"v":1,"op":"key","folder":"${'a'.repeat(9000)}"}`]) {
      expect(parseRequest(bad), bad.slice(0, 40)).toBeNull();
    }
  });

  it('accepts a holder config only with sane lengths', () => {
    const ok = { folder: '/x', socket: '/s', slotFile: '/k', vaultId: 'v', idleMs: 60_000, maxMs: 3_600_000 };
    expect(parseHolderConfig(JSON.stringify(ok))).toEqual(ok);
    expect(parseHolderConfig(JSON.stringify({ ...ok, idleMs: 10 }))).toBeNull();
    expect(parseHolderConfig(JSON.stringify({ ...ok, maxMs: 30 * 24 * 3_600_000 }))).toBeNull();
    expect(parseHolderConfig(JSON.stringify({ ...ok, key: 'x' }))).toBeNull();
    expect(parseResponse(JSON.stringify({ ok: true, ...info }))).toEqual({ ok: true, ...info });
  });
});
