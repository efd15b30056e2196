// The uploader of the lock-lapse test (RELIABILITY row 8; not a test file): opens the vault,
// syncs it to the target with a short lock lifetime, and right after its first pack upload
// stops itself (SIGSTOP), as a laptop lid closing mid-sync would. The parent runs another
// computer's clean-up meanwhile, then sends SIGCONT. Prints one JSON line: the sync's
// report or its error.
//   uploader-child.ts <home> <target.json> <targetId> <lockTtlMs>
import { writeSync } from 'node:fs';
import { isKeepsakeError } from '../../../common/errors';
import { CloudStore } from '../../../main/core/cloud/mirror/cloud-store';
import { mirrorSourceOf } from '../../../main/core/cloud/mirror/source';
import { syncToTarget } from '../../../main/core/cloud/mirror/sync';
import { Vault } from '../../../main/core/vault/vault';
import { makeTarget, type TargetSpec } from '../harness/targets';
import { wrapTarget } from '../harness/wrap-target';
import { CRASH_CHUNKS, CRASH_PASS } from '../vault-crash-fixture';

const [home, specJson, targetId, ttl] = process.argv.slice(2);
const say = (line: string): void => void writeSync(1, `${line}\n`);
const vault = await Vault.open(home!, { passphrase: CRASH_PASS }, { fastKdfForTests: true, chunker: CRASH_CHUNKS });
const real = makeTarget(JSON.parse(specJson!) as TargetSpec);
let stopped = false;
// The same target, stopping the process once, after the first object bigger than a lock.
const target = wrapTarget(real, {
  async put(...a) {
    const r = await real.put(...a);
    if (!stopped && a[2] > 4096) {
      stopped = true;
      say(`STOPPED ${a[0]}`);
      process.kill(process.pid, 'SIGSTOP');
    }
    return r;
  },
});
try {
  const r = await syncToTarget(mirrorSourceOf(vault), { targetId: targetId!, target, store: new CloudStore(vault.indexDb), lockTtlMs: Number(ttl), concurrency: 1, retry: { attempts: 4, baseMs: 5, maxMs: 50, maxRetryAfterMs: 1000, random: Math.random, sleep: (ms) => new Promise((res) => setTimeout(res, ms)) } });
  say(JSON.stringify({ ok: true, counter: r.counter }));
} catch (e) {
  say(JSON.stringify({ ok: false, code: isKeepsakeError(e) ? e.code : 'INTERNAL', message: (e as Error).message, details: isKeepsakeError(e) ? e.details : undefined }));
} finally {
  await real.close();
  vault.close();
}
