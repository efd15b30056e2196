// The CLI session holder: a small detached process that keeps one vault's master key in
// memory and hands it to `keepsake` commands of the same user over a Unix socket, so they
// skip the passphrase KDF (docs/vault.md, "CLI session"). Started by client.ts, which
// sends a config line and the 32 key bytes on stdin (never argv, env or disk); this
// process answers "ready …" or "error …" on stdout and then talks only on the socket.
// It ends — wiping its key and removing its socket — on "lock", after --idle without a
// key request, at --max, on SIGTERM/SIGINT, and as soon as the vault's key-slot file
// changes (passphrase changed, slot added or removed, recovery key rotated). It ignores
// SIGHUP (closing the terminal that started it does not end it) and logs nothing.
import { readFileSync, statSync, unlinkSync, lstatSync, chmodSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { MAX_LINE, parseHolderConfig, parseRequest, type HolderConfig, type SessionInfo, type SessionResponse } from './protocol';

const KEY_BYTES = 32;
/** A client must send its line within this; a silent connection never keeps a slot. */
const REQUEST_TIMEOUT_MS = 2000;

const key = Buffer.alloc(KEY_BYTES);
let ending = false;

process.on('SIGHUP', () => {});
process.on('SIGTERM', () => end(0));
process.on('SIGINT', () => end(0));
process.on('uncaughtException', () => end(1));
process.stdout.on('error', () => {});

/** Stdin until it closes: the config line, a newline, the raw key. Intermediate copies are wiped. */
async function readInput(): Promise<{ config: HolderConfig | null; ok: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    parts.push(b);
    size += b.length;
    if (size > MAX_LINE + KEY_BYTES + 1) break;
  }
  const all = Buffer.concat(parts);
  for (const p of parts) p.fill(0);
  const nl = all.indexOf(10);
  const ok = nl > 0 && all.length === nl + 1 + KEY_BYTES;
  const config = ok ? parseHolderConfig(all.subarray(0, nl).toString('utf8')) : null;
  if (ok) all.copy(key, 0, nl + 1);
  all.fill(0);
  return { config, ok };
}

/** What identifies the key-slot file's current version; any rewrite changes it. */
function slotStamp(path: string): string | null {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return null;
  }
}

function slotVaultId(path: string): string | null {
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { body?: { vaultId?: unknown } };
    return typeof doc.body?.vaultId === 'string' ? doc.body.vaultId : null;
  } catch {
    return null;
  }
}

let config: HolderConfig | null = null;
let info: SessionInfo = { vaultId: '', pid: process.pid, startedAt: 0, idleUntil: 0, until: 0 };
let stamp: string | null = null;
let socketIno: bigint | null = null;
let idleTimer: NodeJS.Timeout | undefined;
let maxTimer: NodeJS.Timeout | undefined;
const server = createServer({ allowHalfOpen: false });

/** Stops accepting and removes our socket (only ours: a newer session may own the path by now). */
function stopListening(): void {
  if (!config) return;
  server.close();
  try {
    if (socketIno !== null && lstatSync(config.socket, { bigint: true }).ino === socketIno) unlinkSync(config.socket);
  } catch {
    // already gone
  }
  socketIno = null;
}

function end(code: number): void {
  if (ending) return;
  ending = true;
  key.fill(0);
  clearTimeout(idleTimer);
  clearTimeout(maxTimer);
  stopListening();
  process.exit(code);
}

function armIdle(idleMs: number): void {
  clearTimeout(idleTimer);
  const now = Date.now();
  info.idleUntil = Math.min(now + idleMs, info.until);
  idleTimer = setTimeout(() => end(0), info.idleUntil - now);
}

/** The answer to "key" as bytes, so the hex key exists only in buffers that are wiped after sending. */
function keyReply(): Buffer {
  const head = JSON.stringify({ ok: true, ...info });
  const hex = Buffer.alloc(KEY_BYTES * 2);
  const digits = '0123456789abcdef';
  for (let i = 0; i < KEY_BYTES; i++) {
    const b = key[i] ?? 0;
    hex[i * 2] = digits.charCodeAt(b >> 4);
    hex[i * 2 + 1] = digits.charCodeAt(b & 15);
  }
  const out = Buffer.concat([Buffer.from(`${head.slice(0, -1)},"key":"`), hex, Buffer.from('"}\n')]);
  hex.fill(0);
  return out;
}

function reply(sock: Socket, response: SessionResponse | Buffer, then?: () => void): void {
  const bytes = Buffer.isBuffer(response) ? response : Buffer.from(`${JSON.stringify(response)}\n`);
  // wiped once written, or once the connection is gone if the client left first
  sock.once('close', () => bytes.fill(0));
  sock.end(bytes, () => {
    bytes.fill(0);
    then?.();
  });
}

function handle(sock: Socket, config: HolderConfig, line: string): void {
  const req = parseRequest(line);
  if (!req) return reply(sock, { ok: false, error: 'bad-request' });
  if (req.folder !== config.folder) return reply(sock, { ok: false, error: 'wrong-vault' });
  if (slotStamp(config.slotFile) !== stamp) {
    // the keys changed under us (or the vault is gone): this key may no longer be wanted
    stopListening();
    return reply(sock, { ok: false, error: 'ended' }, () => end(0));
  }
  if (req.op === 'status') return reply(sock, { ok: true, ...info });
  if (req.op === 'lock') {
    stopListening();
    return reply(sock, { ok: true, ...info }, () => end(0));
  }
  armIdle(config.idleMs);
  reply(sock, keyReply());
}

server.on('connection', (sock) => {
  const current = config;
  if (!current) return sock.destroy();
  let buf = Buffer.alloc(0);
  let done = false;
  sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy());
  sock.on('error', () => {});
  sock.on('data', (chunk: Buffer) => {
    if (done) return;
    buf = Buffer.concat([buf, chunk]);
    const nl = buf.indexOf(10);
    if (nl < 0) {
      if (buf.length > MAX_LINE) {
        done = true;
        reply(sock, { ok: false, error: 'bad-request' });
      }
      return;
    }
    done = true;
    // exactly one line: anything after it is a malformed request too
    handle(sock, current, nl === buf.length - 1 ? buf.subarray(0, nl).toString('utf8') : '');
  });
});

function fail(message: string): void {
  process.stdout.write(`error ${message}\n`);
  end(1);
}

const input = await readInput();
if (!input.ok || !input.config) {
  fail('the session could not read its start-up data');
} else {
  const started = input.config;
  config = started;
  stamp = slotStamp(started.slotFile);
  if (stamp === null || slotVaultId(started.slotFile) !== started.vaultId) {
    fail("the vault's key file is not the one this session was started for");
  } else {
    const now = Date.now();
    info = { vaultId: started.vaultId, pid: process.pid, startedAt: now, idleUntil: now, until: now + started.maxMs };
    server.on('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? 'another session is already running for this vault' : `the session socket could not be opened (${e.code ?? 'unknown error'})`));
    // owner-only from the start: the socket file is created under this umask
    process.umask(0o177);
    server.listen(started.socket, () => {
      chmodSync(started.socket, 0o600);
      socketIno = lstatSync(started.socket, { bigint: true }).ino;
      maxTimer = setTimeout(() => end(0), started.maxMs);
      armIdle(started.idleMs);
      process.stdout.write(`ready ${JSON.stringify(info)}\n`);
    });
  }
}
