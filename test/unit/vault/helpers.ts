// Shared test helpers for the vault suites: a fresh data folder per test, a vault opened
// with cheap Argon2 parameters, and deterministic pseudo-random bytes.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Vault, type VaultOptions } from '../../../main/core/vault/vault';

export const PASS = 'correct horse battery staple';

export function tempDir(prefix = 'ks-vault-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function newVault(dataFolder: string, opts: VaultOptions = {}): Promise<{ vault: Vault; recoveryKey: string }> {
  return Vault.create(dataFolder, PASS, { fastKdfForTests: true, ...opts });
}

export function openVault(dataFolder: string, opts: VaultOptions = {}): Promise<Vault> {
  return Vault.open(dataFolder, { passphrase: PASS }, { fastKdfForTests: true, ...opts });
}

/** Deterministic bytes (xorshift) so a failing seed can be replayed. */
export function pseudoRandom(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(Buffer.from(p as Buffer));
  return Buffer.concat(parts);
}

export const SMALL_CHUNKS = { minSize: 4 * 1024, avgSize: 16 * 1024, maxSize: 64 * 1024 };

/** Flips one bit of the byte at `offset` (damage that AES-GCM and check must catch). */
export function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = b[0]! ^ 0x01;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

/**
 * Every file under dir by relative path: its content hash, and with `meta` also its mode
 * and mtime in whole milliseconds (what a restore sets).
 */
export function fileTree(dir: string, { meta = false } = {}): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        visit(p);
        continue;
      }
      const hash = createHash('sha256').update(readFileSync(p)).digest('hex');
      if (!meta) {
        out.set(relative(dir, p), hash);
        continue;
      }
      const st = statSync(p);
      out.set(relative(dir, p), `${hash} ${(st.mode & 0o777).toString(8)} ${Math.floor(st.mtimeMs)}`);
    }
  };
  visit(dir);
  return out;
}
