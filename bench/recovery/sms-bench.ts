// Benchmark (not a test): N generated messages → Messages/sms.xml through the recovery job.
// `fill DIR N` builds the vault once; `run DIR` opens it in a fresh process and restores the
// messages to DIR/bundle, printing wall time, CPU seconds (user+system, all threads), peak
// RSS and the load average. Run with: node --import tsx bench/recovery/sms-bench.ts
import { cpuUsage, resourceUsage } from 'node:process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Core } from '../../main/core/core';
import { silentLog } from '../../main/core/log';
import { runRecovery } from '../../main/core/recovery/recovery-job';
import type { NewItem } from '../../main/core/vault/types';
import { Vault } from '../../main/core/vault/vault';
import { PASS, TestClock } from '../../test/unit/recovery/helpers';

const sms = (n: number): NewItem => ({
  category: 'message',
  sourceKey: `sms:${n}`,
  occurredAt: 1_600_000_000_000 + n * 1000,
  title: `Person ${n % 97}`,
  text: `Person ${n % 97}\n+1555${n}\nMessage ${n} about the zeppelin ${'and the weather '.repeat(20)}${n}`,
  fields: { kind: 'sms', address: `+1555${n}`, body: `Message ${n}`, attributes: { protocol: '0', address: `+1555${n}`, date: String(1_600_000_000_000 + n * 1000), type: '1', body: `Message ${n} about the zeppelin ${'and the weather '.repeat(20)}${n}`, read: '1', thread: String(n % 31) } },
  personal: true,
});

const [mode, dir, nArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: sms-bench.ts fill|run DIR [N]');
const core = new Core({ dataFolder: join(dir, 'data'), hostKind: 'cli', log: silentLog, clock: new TestClock() });
if (mode === 'fill') {
  const n = Number(nArg ?? 100_000);
  core.vault = (await Vault.create(core.dataFolder, PASS, { fastKdfForTests: true })).vault;
  for (let i = 0; i < n; i += 10_000) await core.vault.putRecords(Array.from({ length: Math.min(10_000, n - i) }, (_, k) => sms(i + k)));
  core.vault.close();
  console.log(`filled ${n} messages`);
} else {
  core.vault = await Vault.open(core.dataFolder, { passphrase: PASS }, { fastKdfForTests: true });
  const rssOpen = process.memoryUsage().rss;
  const out = join(dir, 'bundle');
  rmSync(out, { recursive: true, force: true });
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const c0 = cpuUsage();
  const t0 = performance.now();
  const r = await runRecovery(core, { source: { kind: 'everything' }, categories: ['message'], target: { kind: 'bundle', dir: out }, location: { precision: 'precise', expiresInMinutes: 60 } }, { report() {}, async checkpoint() {} });
  const wall = (performance.now() - t0) / 1000;
  const c = cpuUsage(c0);
  const size = statSync(join(out, 'Messages', 'sms.xml')).size;
  const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`sms.xml: ${r.categories[0]?.written} messages, ${(size / 1e6).toFixed(1)} MB, ok=${r.ok}; wall ${wall.toFixed(1)} s, CPU ${((c.user + c.system) / 1e6).toFixed(1)} s, peak RSS ${(resourceUsage().maxRSS / 1024).toFixed(0)} MB (${(rssOpen / 1e6).toFixed(0)} MB once the vault was open); load ${load0} → ${load1}`);
  core.vault.close();
}
