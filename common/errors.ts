// The closed set of error codes that cross every host boundary (IPC, HTTP, CLI exit).
// Errors travel as data: { ok: false, error: { code, message } }. The message is plain
// words for a person; the code is what programs branch on.

export const ErrorCodes = [
  'BAD_INPUT', // the request did not match the contract's input schema
  'UNKNOWN_METHOD', // no such contract method
  'UNAUTHORIZED', // missing/wrong token, foreign origin or sender
  'FORBIDDEN', // the action is not allowed in this state (legal hold, consent missing…)
  'NOT_FOUND',
  'CONFLICT', // already exists, already running, locked by another process
  'VAULT_LOCKED', // needs an unlocked vault
  'VAULT_MISSING', // no vault has been created in this data folder yet
  'WRONG_PASSPHRASE', // the key slot decrypted nothing: the passphrase is wrong
  'CORRUPT', // data failed authentication or structure checks
  'UNSUPPORTED', // a file, format or version we refuse on purpose
  'RATE_LIMITED', // too many attempts; try again later
  'REVERIFY', // identity re-verification is required first
  'IO', // disk full, permission denied, device gone
  'NETWORK', // a remote target or device could not be reached
  'CANCELLED',
  'INTERNAL', // a bug: logged, never shows a stack to the user
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Optional machine-readable details (never secrets or personal content). */
  details?: Record<string, unknown>;
}

/** The one error type core throws on purpose. Anything else is an INTERNAL bug. */
export class KeepsakeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'KeepsakeError';
    this.code = code;
    this.details = details;
  }
  toData(): ErrorData {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isKeepsakeError(e: unknown): e is KeepsakeError {
  return e instanceof KeepsakeError;
}

/** Exit codes the CLI maps error codes to, so scripts can branch without parsing text. */
export const exitCodeFor: Record<ErrorCode, number> = {
  BAD_INPUT: 2,
  UNKNOWN_METHOD: 2,
  UNAUTHORIZED: 3,
  FORBIDDEN: 3,
  REVERIFY: 3,
  WRONG_PASSPHRASE: 4,
  VAULT_LOCKED: 4,
  VAULT_MISSING: 5,
  NOT_FOUND: 5,
  CONFLICT: 6,
  RATE_LIMITED: 6,
  CORRUPT: 7,
  UNSUPPORTED: 8,
  IO: 9,
  NETWORK: 10,
  CANCELLED: 11,
  INTERNAL: 70,
};
