// The agent's state on the phone: its own TLS identity, the desktop it is paired with
// (pinned fingerprint and certificate), a hash cache of the files it scanned, and the
// ack log — an append-only, fsynced list of items the desktop acknowledged as durable.
// The ack log is what tells the phone it may free space; it is replayed on every start.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PinnedDesktop {
  host: string;
  port: number;
  fingerprint: string;
  certPem: string;
  deviceId: string;
  desktopName: string;
}

export interface AgentState {
  version: 1;
  identity: { keyPem: string; certPem: string; fingerprint: string } | null;
  desktop: PinnedDesktop | null;
  /** Hash cache: relative path → size, mtime and SHA-256 when last scanned. */
  files: Record<string, { size: number; mtimeMs: number; hash: string }>;
  /** Restore offers already written to the phone folder. */
  restored: Record<string, string>;
}

export interface AckRecord {
  id: string;
  hash: string;
  status: string;
  at: number;
}

export class StateFile {
  readonly path: string;
  readonly ackLogPath: string;
  state: AgentState;
  /** Replayed from the ack log: item id → the hash the desktop acknowledged. */
  readonly acked = new Map<string, AckRecord>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, 'agent-state.json');
    this.ackLogPath = join(dir, 'acks.log');
    this.state = existsSync(this.path) ? (JSON.parse(readFileSync(this.path, 'utf8')) as AgentState) : { version: 1, identity: null, desktop: null, files: {}, restored: {} };
    if (existsSync(this.ackLogPath)) {
      for (const line of readFileSync(this.ackLogPath, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const r = JSON.parse(line) as AckRecord;
          if (r.status === 'removed') this.acked.delete(r.id);
          else this.acked.set(r.id, r);
        } catch {
          // A torn last line from a crash mid-append: that ack was never completed.
        }
      }
    }
  }

  /** Writes the state atomically (temp file, fsync, rename, fsync of the folder). */
  save(): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(this.state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    syncDir(dirname(this.path));
  }

  /** Appends acknowledgements durably before the caller acts on them. */
  appendAcks(records: AckRecord[]): void {
    if (!records.length) return;
    const fd = openSync(this.ackLogPath, 'a', 0o600);
    try {
      writeSync(fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    for (const r of records) {
      if (r.status === 'removed') this.acked.delete(r.id);
      else this.acked.set(r.id, r);
    }
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}
