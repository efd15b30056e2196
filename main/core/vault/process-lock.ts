// One process at a time may open a vault: two writers would each think they own the
// pack files and compaction could delete the other's work (RELIABILITY rule 1: delete
// only under a lock). The lock file holds the owner's pid; a lock whose process is gone
// is stale and taken over. Creation is atomic: the pid file is written to a temp name
// and hard-linked to the lock name, which fails if a lock already exists.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { KeepsakeError } from '../../../common/errors';

export class ProcessLock {
  private constructor(private readonly path: string) {}

  static acquire(path: string): ProcessLock {
    for (let attempt = 0; attempt < 3; attempt++) {
      const tmp = `${path}.${process.pid}.${attempt}`;
      writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
      try {
        linkSync(tmp, path);
        return new ProcessLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        rmSync(tmp, { force: true });
      }
      const owner = readOwner(path);
      if (owner !== null && owner !== process.pid && isAlive(owner)) {
        throw new KeepsakeError('CONFLICT', `The vault is open in another Keepsake process (pid ${owner}). Close it first.`, { pid: owner });
      }
      if (owner === process.pid) {
        throw new KeepsakeError('CONFLICT', 'The vault is already open in this process.', { pid: owner });
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
    throw new KeepsakeError('CONFLICT', 'Another process keeps taking the vault lock; try again.');
  }

  release(): void {
    if (readOwner(this.path) === process.pid) rmSync(this.path, { force: true });
  }
}

function readOwner(path: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
