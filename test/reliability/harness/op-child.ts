// The child process of the kill-loop harness (not a test file). It opens the vault, prints
// READY, then does one operation over and over, appending one line to the ack log (and
// fsyncing it) after each acknowledgement. The parent SIGKILLs it at a random moment.
//   put     <home> <seed> <log>                    batches of 3 items; ack = their keys
//   lying   <home> <seed> <log>                    acks batches it never stores (the harness's negative control)
//   backup  <home> <src> <log>                     folder backups; ack = snapshot id + file names
//   compact <home> <log>                           one compaction; ack = done
//   erase   <home> <log>                           full erasure (receipt and all), item by item;
//                                                  an "erasing" line precedes each, an "erased" ack follows
//   restore <home> <snapshot> <out> <log>          folder restore; ack = done
//   cloud   <home> <target.json> <targetId> <seed> <log>   add 2 items, mirror to the target; ack = keys in the vault at sync start
//   phone   <home> <phone> <log>                   desktop gateway + agent in one process; ack = each item the desktop acknowledged
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { CloudStore } from '../../../main/core/cloud/mirror/cloud-store';
import { mirrorSourceOf } from '../../../main/core/cloud/mirror/source';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { Vault } from '../../../main/core/vault/vault';
import { CRASH_CHUNKS, CRASH_PASS, crashItem } from '../vault-crash-fixture';
import { makeTarget, type TargetSpec } from './targets';

const mode = process.argv[2] ?? '';
const args = process.argv.slice(3);
const logPath = args.at(-1)!;
const say = (line: string): void => void writeSync(1, `${line}\n`);
const logFd = openSync(logPath, 'a', 0o600);
/** The acknowledgement is durable before anything else happens. */
const ack = (entry: Record<string, unknown>): void => {
  writeSync(logFd, `${JSON.stringify(entry)}\n`);
  fsyncSync(logFd);
};
const open = (home: string): Promise<Vault> => Vault.open(home, { passphrase: CRASH_PASS }, { fastKdfForTests: true, chunker: CRASH_CHUNKS });

if (mode === 'put') {
  const [home, seed] = args;
  const vault = await open(home!);
  say('READY');
  for (let batch = 0; batch < 1000; batch++) {
    const keys = [0, 1, 2].map((i) => `p${seed}-${batch}-${i}`);
    await vault.putItems(keys.map(crashItem));
    ack({ keys });
  }
  vault.close();
} else if (mode === 'lying') {
  // Negative control for the harness itself: acknowledges every batch but stores only
  // every other one (the first ack is written before READY, so every run has one).
  const [home, seed] = args;
  const vault = await open(home!);
  for (let batch = 0; batch < 1000; batch++) {
    const keys = [0, 1, 2].map((i) => `l${seed}-${batch}-${i}`);
    ack({ keys });
    if (batch === 0) say('READY');
    if (batch % 2) await vault.putItems(keys.map(crashItem));
  }
  vault.close();
} else if (mode === 'backup') {
  const [home, src] = args;
  const vault = await open(home!);
  const { readdirSync } = await import('node:fs');
  say('READY');
  for (let round = 0; round < 50; round++) {
    const files = readdirSync(src!).sort();
    const r = await vault.backupFolder(src!);
    ack({ snapshot: r.snapshotId, files });
  }
  vault.close();
} else if (mode === 'compact') {
  const vault = await open(args[0]!);
  say('READY');
  await vault.compact();
  ack({ compacted: true });
  vault.close();
} else if (mode === 'erase') {
  const home = args[0]!;
  const { Core } = await import('../../../main/core/core');
  const { silentLog } = await import('../../../main/core/log');
  const { eraseItems } = await import('../../../main/core/erasure/erase');
  const vault = await open(home);
  const core = new Core({ dataFolder: home, hostKind: 'cli', log: silentLog });
  core.vault = vault;
  say('READY');
  const victims = vault.listItems({ limit: 1000 }).filter((s) => s.title.includes('-victim-'));
  for (const s of victims) {
    ack({ erasing: s.title });
    await eraseItems(core, vault, { itemIds: [s.id], scope: `kill-loop ${s.title}` });
    ack({ erased: s.title });
  }
  await core.close();
} else if (mode === 'restore') {
  const [home, snapshot, out] = args;
  const vault = await open(home!);
  say('READY');
  const r = await vault.restoreSnapshot(Number(snapshot), out!);
  ack({ restored: r.files });
  vault.close();
} else if (mode === 'cloud') {
  const [home, specJson, targetId, seed] = args;
  const vault = await open(home!);
  const target = makeTarget(JSON.parse(specJson!) as TargetSpec);
  const store = new CloudStore(vault.indexDb);
  say('READY');
  for (let round = 0; round < 100; round++) {
    await vault.putItems([0, 1].map((i) => crashItem(`c${seed}-${round}-${i}`)));
    const keys: string[] = [];
    for (let page = vault.listItems({ limit: 1000 }); page.length; page = vault.listItems({ limit: 1000, after: page.at(-1)!.cursor })) keys.push(...page.map((s) => s.title));
    const r = await syncToTarget(mirrorSourceOf(vault), { targetId: targetId!, target, store, retry: { attempts: 4, baseMs: 5, maxMs: 50, maxRetryAfterMs: 1000, random: Math.random, sleep: (ms) => new Promise((res) => setTimeout(res, ms)) } });
    ack({ counter: r.counter, keys });
  }
  await target.close();
  vault.close();
} else if (mode === 'phone') {
  const [home, phone] = args;
  const { startDesktop, pairedAgent } = await import('../../unit/devices/support/harness');
  const desktop = await startDesktop({ dir: home!, create: false });
  const agent = await pairedAgent(desktop, phone!, 'Kill-loop phone');
  say('READY');
  const seen = new Set<string>();
  const record = (): void => {
    for (const [id, r] of agent.state.acked) {
      if (seen.has(id)) continue;
      seen.add(id);
      ack({ key: id, hash: r.hash });
    }
  };
  await agent.sync({ commitItems: 20, retries: 0, onProgress: record });
  record();
  await desktop.close();
}
closeSync(logFd);
say('DONE');
