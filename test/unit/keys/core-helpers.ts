// A Core with an open vault for the security tests, an in-memory log to read back, and a
// hand-driven clock (tests never sleep).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Core } from '../../../main/core/core';
import type { Log } from '../../../main/core/log';
import type { KeyStore } from '../../../main/core/ports';
import { configureReverify } from '../../../main/core/security/reverify';
import { Vault } from '../../../main/core/vault/vault';
import { FAST } from './helpers';

const cores: Core[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function memoryLog(): Log & { lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => void lines.push({ level, event, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A Core with a real vault (cheap test Argon2 settings) open in it, a memory log and a hand-driven clock. */
export async function coreWithOpenVault(passphrase = 'the right one', keyStore?: KeyStore) {
  const dataFolder = mkdtempSync(join(tmpdir(), 'keepsake-reverify-'));
  dirs.push(dataFolder);
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  const log = memoryLog();
  const core = new Core({ dataFolder, hostKind: 'cli', clock, log, ...(keyStore ? { keyStore } : {}) });
  cores.push(core);
  const { vault, recoveryKey } = await Vault.create(dataFolder, passphrase, FAST);
  core.vault = vault;
  configureReverify(core, { kdf: FAST });
  return { core, clock, log, layout: vault.layout, masterKey: Buffer.from(vault.masterKey), vaultId: vault.id, recoveryKey };
}

