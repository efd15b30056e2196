// The CLI session's wire protocol: one line of JSON from the client, one line back, then
// the connection closes. Lines are length-limited and both sides accept only the exact
// shapes below (no extra fields), so anything else that reaches the socket is refused
// without being interpreted.
//   request:  {"v":1,"op":"key"|"status"|"lock","folder":"<real path of the data folder>"}
//   response: {"ok":true,"vaultId":…,"pid":…,"startedAt":…,"idleUntil":…,"until":…[,"key":"<64 hex>"]}
//             {"ok":false,"error":"wrong-vault"|"bad-request"|"ended"}
// Times are epoch milliseconds. `key` is only in the answer to "key".

export const PROTOCOL_VERSION = 1;
/** Longest line either side accepts (a request with a long data folder path fits easily). */
export const MAX_LINE = 8192;

export type SessionOp = 'key' | 'status' | 'lock';

export interface SessionRequest {
  v: typeof PROTOCOL_VERSION;
  op: SessionOp;
  folder: string;
}

export interface SessionInfo {
  vaultId: string;
  /** The holder's process id, so a person can see (or kill) it. */
  pid: number;
  startedAt: number;
  /** When the session ends if no command asks for the key before then. */
  idleUntil: number;
  /** When the session ends at the latest (--max). */
  until: number;
}

export type SessionResponse = ({ ok: true; key?: string } & SessionInfo) | { ok: false; error: 'wrong-vault' | 'bad-request' | 'ended' };

const OPS: readonly string[] = ['key', 'status', 'lock'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasExactly(o: Record<string, unknown>, keys: string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
}

function parseLine(line: string): unknown {
  if (line.length > MAX_LINE) return null;
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

/** The request on one line, or null when it is anything but a well-formed request. */
export function parseRequest(line: string): SessionRequest | null {
  const o = parseLine(line);
  if (!isRecord(o) || !hasExactly(o, ['v', 'op', 'folder'])) return null;
  if (o.v !== PROTOCOL_VERSION || typeof o.op !== 'string' || !OPS.includes(o.op)) return null;
  if (typeof o.folder !== 'string' || o.folder.length === 0 || o.folder.length > 4096) return null;
  return { v: PROTOCOL_VERSION, op: o.op as SessionOp, folder: o.folder };
}

/** Session lengths: at least a second, at most a week (setTimeout's limit is ~24 days). */
export const MIN_SESSION_MS = 1000;
export const MAX_SESSION_MS = 7 * 24 * 3600 * 1000;
const isDuration = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= MIN_SESSION_MS && v <= MAX_SESSION_MS;

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The holder's answer, or null when it is malformed. */
export function parseResponse(line: string): SessionResponse | null {
  const o = parseLine(line);
  if (!isRecord(o)) return null;
  if (o.ok === false) {
    if (!hasExactly(o, ['ok', 'error'])) return null;
    return o.error === 'wrong-vault' || o.error === 'bad-request' || o.error === 'ended' ? { ok: false, error: o.error } : null;
  }
  const withKey = Object.hasOwn(o, 'key');
  if (o.ok !== true || !hasExactly(o, ['ok', 'vaultId', 'pid', 'startedAt', 'idleUntil', 'until', ...(withKey ? ['key'] : [])])) return null;
  if (typeof o.vaultId !== 'string' || !isTime(o.pid) || !isTime(o.startedAt) || !isTime(o.idleUntil) || !isTime(o.until)) return null;
  const info = { ok: true as const, vaultId: o.vaultId, pid: o.pid, startedAt: o.startedAt, idleUntil: o.idleUntil, until: o.until };
  if (!withKey) return info;
  if (typeof o.key !== 'string' || !/^[0-9a-f]{64}$/.test(o.key)) return null;
  return { ...info, key: o.key };
}

/** What the starting CLI sends the holder on its stdin: this JSON line, then the 32 raw key bytes. */
export interface HolderConfig {
  folder: string;
  socket: string;
  slotFile: string;
  vaultId: string;
  idleMs: number;
  maxMs: number;
}

export function parseHolderConfig(line: string): HolderConfig | null {
  const o = parseLine(line);
  if (!isRecord(o) || !hasExactly(o, ['folder', 'socket', 'slotFile', 'vaultId', 'idleMs', 'maxMs'])) return null;
  const { folder, socket, slotFile, vaultId, idleMs, maxMs } = o;
  if (typeof folder !== 'string' || typeof socket !== 'string' || typeof slotFile !== 'string' || typeof vaultId !== 'string') return null;
  if (!isDuration(idleMs) || !isDuration(maxMs)) return null;
  return { folder, socket, slotFile, vaultId, idleMs, maxMs };
}
