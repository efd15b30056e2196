// The CLI session (keepsake unlock --session / --status, keepsake lock) as scripts use it
// (real `keepsake` processes where crossing a process matters, runCli in this process
// elsewhere; the holder is always a real process): later commands run without the passphrase, the socket
// and its folder are owner-only, the holder never sees the passphrase, --no-session and
// KEEPSAKE_SESSION=0 ignore it, and lock and --idle end it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../main/cli/commands';
import { parseDuration, unlockCommand } from '../../../main/cli/commands/unlock';
import { alive, cliWorld, gone, until, type CliWorld } from './cli-session-helpers';
import { tempDir } from './helpers';

const PASS = 'session test passphrase 1';
let t: ReturnType<typeof tempDir>;
let w: CliWorld;
const started: number[] = [];

beforeAll(async () => {
  t = tempDir('ks-cli-session-');
  w = cliWorld(t.dir, 'home', PASS);
  const init = await w.cli(['init', '--json']);
  expect(init.status, init.stderr).toBe(0);
});
afterAll(async () => {
  await w.cli(['lock']);
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  t.cleanup();
});

async function startSession(args: string[] = []): Promise<number> {
  const r = await w.cli(['unlock', '--session', '--json', ...args]);
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { session: { running: boolean; pid: number } };
  expect(out.session.running).toBe(true);
  started.push(out.session.pid);
  return out.session.pid;
}

const noPass = { KEEPSAKE_PASSPHRASE: '' };

describe('keepsake unlock --session', () => {
  it('lets vault commands run without the passphrase until keepsake lock', async () => {
    expect(JSON.parse((await w.cli(['unlock', '--status', '--json'])).stdout)).toEqual({ ok: true, session: { running: false } });
    // without a session, no passphrase means no vault
    expect((await w.cli(['stats', '--json'], noPass)).status).toBe(2);

    const pid = await startSession(['--idle', '10m', '--max', '1h']);
    // a separate process, with no passphrase anywhere, opens the vault from the session
    const stats = await w.ks(['stats', '--json'], noPass);
    expect(stats.status, stats.stderr).toBe(0);
    expect(stats.stderr).toBe('');
    expect(JSON.parse(stats.stdout)).toMatchObject({ ok: true, stats: { items: 0 } });

    const status = JSON.parse((await w.cli(['unlock', '--status', '--json'], noPass)).stdout) as { session: { running: boolean; pid: number; until: number; idleUntil: number; startedAt: number } };
    expect(status.session).toMatchObject({ running: true, pid });
    expect(status.session.until - status.session.startedAt).toBe(3_600_000);
    expect(status.session.idleUntil).toBeLessThanOrEqual(status.session.until);

    // the session can be ignored on request
    expect((await w.cli(['stats', '--json', '--no-session'], noPass)).status).toBe(2);
    expect((await w.cli(['stats', '--json'], { ...noPass, KEEPSAKE_SESSION: '0' })).status).toBe(2);
    // plain unlock checks the passphrase itself, session or not
    expect((await w.cli(['unlock'], { KEEPSAKE_PASSPHRASE: 'not the passphrase' })).status).toBe(4);

    const lock = await w.cli(['lock', '--json']);
    expect(lock.status).toBe(0);
    expect(JSON.parse(lock.stdout)).toEqual({ ok: true, ended: true });
    await until(() => !alive(pid));
    expect(gone(w.socket())).toBe(true);
    expect((await w.cli(['stats', '--json'], noPass)).status).toBe(2);
    // lock with nothing running is fine for scripts
    const again = await w.cli(['lock', '--json']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ ok: true, ended: false });
  });

  it('keeps the socket (0600) in an owner-only folder (0700), and the holder never sees the passphrase', async () => {
    const pid = await startSession();
    const sock = statSync(w.socket());
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);
    expect(statSync(dirname(w.socket())).mode & 0o777).toBe(0o700);
    expect(readdirSync(dirname(w.socket()))).toEqual([w.socket().split('/').pop()]);

    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    expect(environ).not.toContain(PASS);
    expect(environ).not.toContain('KEEPSAKE_PASSPHRASE');
    expect(cmdline).not.toContain(PASS);
    expect(cmdline).toContain('session-holder-entry');
    // a terminal hang-up does not end it
    process.kill(pid, 'SIGHUP');
    const after = await w.ks(['stats'], noPass);
    expect(after.status, after.stderr).toBe(0);
    expect(alive(pid)).toBe(true);
    expect((await w.cli(['lock'])).status).toBe(0);
    await until(() => !alive(pid));
  });

  it('ends by itself after --idle without a command or at --max, and replaces a running session when started again', async () => {
    const first = await startSession();
    const second = await startSession(['--idle', '1s']);
    expect(second).not.toBe(first);
    await until(() => !alive(first));
    await until(() => !alive(second));
    expect(gone(w.socket())).toBe(true);
    const after = await w.cli(['stats', '--json'], noPass);
    expect(after.status).toBe(2);
    expect(after.stderr).not.toContain('session');
    // --max ends it even while it is in use
    const third = await startSession(['--idle', '10m', '--max', '1s']);
    await until(() => !alive(third));
    expect(gone(w.socket())).toBe(true);
  });

  it('refuses bad --idle / --max values and options without --session', async () => {
    expect(parseDuration('90s', 'idle')).toBe(90_000);
    expect(parseDuration('15m', 'idle')).toBe(900_000);
    expect(parseDuration('8h', 'max')).toBe(28_800_000);
    for (const bad of ['0s', 'soon', '30d', '-5m', '15', '1.5h', '']) expect(() => parseDuration(bad, 'idle'), bad).toThrow(/takes a length like 90s/);
    const r = await w.cli(['unlock', '--session', '--max=soon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--max takes a length like 90s/);
    expect((await w.cli(['unlock', '--idle', '5m'])).status).toBe(2);
    expect(gone(w.socket())).toBe(true);
  });

  it('says in --help how to start and end a session', async () => {
    expect(unlockCommand.usage).toContain('--session');
    const lock = commands.find((c) => c.name === 'lock');
    expect(lock?.summary).toMatch(/End the session/);
    expect((await lock!.load()).name).toBe('lock');
  });
});
