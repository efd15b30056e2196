// The CLI session when things go wrong: a holder killed -9 or stopped never hangs a
// command (the stale socket is removed, the passphrase is used, stderr says so once); a
// passphrase change ends the session; a socket of another vault, or a key that does not
// open this vault, is refused; a session folder others can enter is refused; and anything
// but one well-formed request line gets "bad-request" without disturbing the session.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askSession, startSession } from '../../../main/core/vault/session/client';
import { canonicalFolder, sessionDir } from '../../../main/core/vault/session/socket-path';
import { alive, cliWorld, gone, until, type CliWorld } from './cli-session-helpers';
import { tempDir } from './helpers';

const PASS_A = 'fault test passphrase A';
const PASS_B = 'fault test passphrase B';
let t: ReturnType<typeof tempDir>;
let a: CliWorld;
let b: CliWorld;
const started: number[] = [];

beforeAll(async () => {
  t = tempDir('ks-cli-session-faults-');
  a = cliWorld(t.dir, 'vault-a', PASS_A);
  b = cliWorld(t.dir, 'vault-b', PASS_B);
  const [ia, ib] = await Promise.all([a.cli(['init']), b.cli(['init'])]);
  expect(ia.status, ia.stderr).toBe(0);
  expect(ib.status, ib.stderr).toBe(0);
});
afterAll(async () => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  t.cleanup();
});

async function session(w: CliWorld): Promise<number> {
  const r = await w.cli(['unlock', '--session', '--json']);
  expect(r.status, r.stderr).toBe(0);
  const pid = (JSON.parse(r.stdout) as { session: { pid: number } }).session.pid;
  started.push(pid);
  return pid;
}

const noPass = { KEEPSAKE_PASSPHRASE: '' };

/** Sends raw bytes to a socket and returns everything it answers before closing. */
function raw(path: string, bytes: Buffer | string, endAfter = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let text = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => (endAfter ? sock.end(bytes) : sock.write(bytes)));
    sock.on('data', (s: string) => (text += s));
    sock.on('close', () => resolve(text));
    sock.on('error', reject);
  });
}

describe('a CLI session that went wrong', () => {
  it('holder killed -9: the next command removes the dead socket and uses the passphrase, saying so once', async () => {
    const pid = await session(a);
    process.kill(pid, 'SIGKILL');
    await until(() => !alive(pid));
    expect(gone(a.socket())).toBe(false); // kill -9 leaves the socket behind

    const first = await a.ks(['stats', '--json']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/not using the session: the session had stopped without cleaning up/);
    expect(gone(a.socket())).toBe(true);
    const second = await a.cli(['stats', '--json']);
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(JSON.parse((await a.cli(['unlock', '--status', '--json'])).stdout).session.running).toBe(false);
  });

  it('a stopped holder never hangs a command: it times out and the passphrase is used', async () => {
    const pid = await session(a);
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await a.cli(['stats', '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/did not answer in time/);
      const lock = await a.cli(['lock']);
      expect(lock.status).toBe(1);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // once running again it reads the queued "lock" (sent before the client gave up) and ends
    await until(() => !alive(pid));
    expect(JSON.parse((await a.cli(['lock', '--json'])).stdout)).toEqual({ ok: true, ended: false });
  });

  it("another vault's socket is refused, and so is a session whose key does not open this vault", async () => {
    const pid = await session(a);
    // vault A's holder answers at vault B's address
    renameSync(a.socket(), b.socket());
    expect(await askSession(b.home, 'key', b.env)).toEqual({ kind: 'answer', response: { ok: false, error: 'wrong-vault' } });
    const refused = await b.cli(['stats', '--json'], noPass);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/belongs to another vault/);
    const withPass = await b.cli(['stats', '--json']);
    expect(withPass.status, withPass.stderr).toBe(0);
    expect(withPass.stderr).toMatch(/belongs to another vault/);
    renameSync(b.socket(), a.socket());
    expect((await a.cli(['lock'])).status).toBe(0);
    await until(() => !alive(pid));

    // a holder for B whose key is not B's master key: the vault refuses the key
    const bVaultId = (JSON.parse((await b.cli(['stats', '--json'])).stdout) as { stats: { vaultId: string } }).stats.vaultId;
    const info = await startSession(b.home, randomBytes(32), bVaultId, { idleMs: 60_000, maxMs: 60_000, env: b.env });
    started.push(info.pid);
    const wrongKey = await b.cli(['stats', '--json']);
    expect(wrongKey.status, wrongKey.stderr).toBe(0);
    expect(wrongKey.stderr).toMatch(/its key does not open this vault; using the passphrase/);
    expect((await b.cli(['lock'])).status).toBe(0);
    await until(() => !alive(info.pid));
  });

  it('answers anything but one well-formed request line with bad-request, and keeps serving', async () => {
    const pid = await session(a);
    const folder = canonicalFolder(a.home);
    const bad = [
      'hello\n',
      '{"v":1,"op":"key"}\n',
      `${JSON.stringify({ v: 2, op: 'key', folder })}\n`,
      `${JSON.stringify({ v: 1, op: 'dump', folder })}\n`,
      `${JSON.stringify({ v: 1, op: 'key', folder, extra: true })}\n`,
      `${JSON.stringify({ v: 1, op: 'key', folder })}\n${JSON.stringify({ v: 1, op: 'key', folder })}\n`,
      `[1,2,3]\n`,
    ];
    for (const line of bad) expect(JSON.parse(await raw(a.socket(), line)), line).toEqual({ ok: false, error: 'bad-request' });
    expect(JSON.parse(await raw(a.socket(), Buffer.alloc(20_000, 0x61)))).toEqual({ ok: false, error: 'bad-request' });
    // half a line then the end: no answer, the connection just closes
    expect(await raw(a.socket(), '{"v":1,', true)).toBe('');
    // silence: closed after the request deadline
    expect(await raw(a.socket(), '')).toBe('');
    const good = JSON.parse(await raw(a.socket(), `${JSON.stringify({ v: 1, op: 'status', folder })}\n`)) as Record<string, unknown>;
    expect(good).toMatchObject({ ok: true, pid });
    expect(good).not.toHaveProperty('key');
    const r = await a.cli(['stats'], noPass);
    expect(r.status, r.stderr).toBe(0);
    expect((await a.cli(['lock'])).status).toBe(0);
    await until(() => !alive(pid));
  });

  it('refuses a session folder that others can enter', async () => {
    const other = { ...a.env, XDG_RUNTIME_DIR: `${t.dir}/shared-run` };
    mkdirSync(sessionDir(other), { recursive: true, mode: 0o755 });
    const r = await a.cli(['unlock', '--session'], { XDG_RUNTIME_DIR: other.XDG_RUNTIME_DIR });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not private to you/);
    rmSync(sessionDir(other), { recursive: true });
  });

  it('a passphrase change ends the session: the old key is not handed out again (last: vault B keeps the new passphrase)', async () => {
    const pid = await session(b);
    const change = await b.cli(['passphrase'], { KEEPSAKE_NEW_PASSPHRASE: `${PASS_B} new` });
    expect(change.status, change.stderr).toBe(0);
    const r = await b.cli(['stats', '--json'], noPass);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/the session ended because the vault's keys changed/);
    await until(() => !alive(pid));
    expect(gone(b.socket())).toBe(true);
  });
});
