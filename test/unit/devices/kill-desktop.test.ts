// RELIABILITY row 2: acknowledgement only after durability. The desktop runs in a child
// process; the agent syncs 1,000 items and logs every ack; the desktop is killed with
// SIGKILL at a random moment after the first acknowledgements. Replaying the agent's
// ack log against the reopened vault: every acknowledged item is present and whole.
// A second desktop then finishes the sync and nothing is missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepsakeAgent } from '../../../agent/src/agent';
import { Vault } from '../../../main/core/vault/vault';
import { removeAll, startDesktop, tempDir } from './support/harness';

const ITEMS = Number(process.env.KEEPSAKE_KILL_ITEMS ?? 1000);
const CHILD = join(import.meta.dirname, 'support', 'desktop-child.mjs');

function launch(dir: string, pair: boolean): Promise<{ child: ChildProcess; port: number; uri: string | null }> {
  const child = spawn(process.execPath, [CHILD, dir, pair ? 'pair' : ''], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    let port = 0;
    child.once('exit', (code) => reject(new Error(`desktop child exited early (${code})`)));
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { port?: number; uri?: string };
      if (msg.port) port = msg.port;
      if (msg.port && !pair) resolve({ child, port, uri: null });
      if (msg.uri) resolve({ child, port, uri: msg.uri });
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('kill -9 of the desktop mid-sync', () => {
  const dir = tempDir('keepsake-devices-kill-');
  const phone = tempDir('keepsake-phone-');
  const hashes = new Map<string, string>();

  beforeAll(async () => {
    // Make the vault once in-process, then hand it to child processes.
    const d = await startDesktop({ dir });
    await d.close();
    mkdirSync(join(phone, 'DCIM', 'Camera'), { recursive: true });
    for (let i = 0; i < ITEMS; i++) {
      const rel = `DCIM/Camera/IMG_${String(i).padStart(5, '0')}.jpg`;
      const bytes = randomBytes(2048 + (i % 7) * 1024);
      writeFileSync(join(phone, rel), bytes);
      hashes.set(rel, createHash('sha256').update(bytes).digest('hex'));
    }
  });
  afterAll(() => removeAll(dir, phone));

  it('every acknowledged item survives; the rest arrive on the next sync', async () => {
    const first = await launch(dir, true);
    const agent = new KeepsakeAgent(phone, tempDir('keepsake-agent-state-'));
    await agent.pair(first.uri ?? '', { name: 'Crash phone' });
    let killing: Promise<void> | null = null;
    const killAfter = 100 + Math.floor(Math.random() * 400);
    const sync = agent.sync({
      commitItems: 50,
      retries: 0,
      onProgress: (p) => {
        if (!killing && p.acked >= killAfter) killing = killed(first.child);
      },
    });
    await expect(sync).rejects.toMatchObject({ code: 'NETWORK' });
    await killing;
    const acked = [...agent.state.acked.values()];
    expect(acked.length).toBeGreaterThanOrEqual(100);
    expect(acked.length).toBeLessThan(ITEMS);

    // Replay the ack log against the reopened vault.
    const vault = await Vault.open(dir, { passphrase: 'correct horse battery staple' }, { fastKdfForTests: true });
    try {
      const stored = new Map<string, string>();
      for (const s of vault.listItems({ limit: ITEMS + 10 })) {
        const rec = vault.getItem(s.id);
        const h = createHash('sha256');
        for await (const c of vault.readFile(s.id)) h.update(c as Buffer);
        for (const src of rec?.sources ?? []) stored.set(src.sourceKey, h.digest('hex'));
      }
      for (const a of acked) {
        expect(stored.get(a.id), a.id).toBe(hashes.get(a.id));
      }
    } finally {
      vault.close();
    }

    // A new desktop process finishes the job; the agent's log then covers everything.
    const second = await launch(dir, false);
    try {
      agent.state.state.desktop = { ...(agent.state.state.desktop as NonNullable<typeof agent.state.state.desktop>), port: second.port };
      const s = await agent.sync();
      expect(s.notAcked).toEqual([]);
      expect(agent.state.acked.size).toBe(ITEMS);
    } finally {
      await killed(second.child);
    }
  });
});
