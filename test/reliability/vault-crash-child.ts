// Child process for the kill -9 suites (not a test file). Modes:
//   put <dataFolder> <seed>      stores batches of items and prints "ACK <keys>" after each
//                                putItems resolves (i.e. after it claims durability)
//   backup <dataFolder> <src>    backs up a folder over and over, printing "ACK snapshot <id>"
//   compact <dataFolder> [stop]  runs compaction; with stop = afterWrite | afterCommit it
//                                prints STALLED at that step and hangs there to be killed
//   efbig <dataFolder>           (under ulimit -f) stores a too-big file, then a small one
// It prints READY once the vault is open; the parent kills it with SIGKILL at a random time.
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { Vault } from '../../main/core/vault/vault';
import { crashItem } from './vault-crash-fixture';

const [mode, dataFolder, arg] = process.argv.slice(2);
const say = (line: string): void => void writeSync(1, `${line}\n`);
const vault = await Vault.open(dataFolder!, { passphrase: 'crash-test-passphrase' }, { fastKdfForTests: true, chunker: { minSize: 4096, avgSize: 16384, maxSize: 65536 } });
say('READY');
if (mode === 'put') {
  const seed = Number(arg);
  for (let batch = 0; batch < 1000; batch++) {
    const keys = [0, 1, 2].map((i) => `s${seed}-b${batch}-${i}`);
    await vault.putItems(keys.map(crashItem));
    say(`ACK ${keys.join(',')}`);
  }
} else if (mode === 'backup') {
  for (;;) {
    const r = await vault.backupFolder(arg!);
    say(`ACK snapshot ${r.snapshotId}`);
  }
} else if (mode === 'efbig') {
  // run under `ulimit -f`: a big file must fail with a clear IO error, a small one must still work
  try {
    await vault.putItems([{ ...crashItem('big'), files: [{ role: 'original', name: 'big.mp4', mime: 'video/mp4', data: randomBytes(3 * 1024 * 1024) }] }]);
    say('BIG stored');
  } catch (e) {
    say(`BIG ${(e as { code?: string }).code} ${(e as Error).message}`);
  }
  const [r] = await vault.putItems([crashItem('small-after-efbig')]);
  say(`SMALL ${r!.status}`);
  say('DONE');
} else if (mode === 'compact') {
  // a process frozen exactly between two durable steps: the parent kills it on STALLED
  const stall = (): void => {
    say('STALLED');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  };
  await vault.compact(arg === 'afterWrite' ? { afterWrite: stall } : arg === 'afterCommit' ? { afterCommit: stall } : {});
  say('DONE');
}
vault.close();
