// The log: one line of JSON per event in <data>/logs/keepsake.log (owner-only). It records
// what happened, never what people stored: callers pass codes, counts and ids, and every
// value is run through redact() so a passphrase, key, token, phone number or e-mail address
// that slips into a message is masked before it is written. [Note: No personal data in logs]
import { appendFileSync, mkdirSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /pass(word|phrase)?|secret|token|key|credential|authorization|cookie/i;
const PATTERNS: Array<[RegExp, string]> = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '<email>'],
  [/\+?\d[\d ()-]{6,}\d/g, '<number>'],
  [/\b[A-Fa-f0-9]{32,}\b/g, '<hex>'],
  [/\b[A-Za-z0-9+/_-]{40,}={0,2}/g, '<blob>'],
];

/** Masks secrets and personal identifiers in a value that is about to be logged. */
export function redact(value: unknown, keyName = ''): unknown {
  if (keyName && SECRET_KEY.test(keyName)) return '<redacted>';
  if (typeof value === 'string') {
    let s = value;
    for (const [re, mask] of PATTERNS) s = s.replace(re, mask);
    return s.length > 500 ? `${s.slice(0, 500)}…` : s;
  }
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redact(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k);
    return out;
  }
  return value;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createFileLog(dataFolder: string, minLevel: LogLevel = (process.env.KEEPSAKE_LOG_LEVEL as LogLevel | undefined) ?? 'info'): Log {
  const dir = join(dataFolder, 'logs');
  const file = join(dir, 'keepsake.log');
  const write = (level: LogLevel, event: string, fields?: Record<string, unknown>): void => {
    if (ORDER[level] < ORDER[minLevel]) return;
    try {
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
      const line = JSON.stringify({ t: new Date().toISOString(), level, event, ...(fields ? (redact(fields) as object) : {}) });
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
      if (process.platform !== 'win32') chmodSync(file, 0o600);
    } catch {
      // Logging must never break the operation it describes (a full disk is reported by
      // the operation itself).
    }
  };
  return {
    debug: (e, f) => write('debug', e, f),
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
