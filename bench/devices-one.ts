// One measured run of one devices-bench mode in a fresh process, after a warm-up run of the
// same mode: `node bin/tsx.mjs bench/devices-one.ts <stream|buffer|sync> <phone dir> <work dir>`
// prints the measured run's Timing as one JSON line. bench/devices-bench.ts runs it per mode,
// so no mode pays for the garbage another left in a shared process.
import { localIngest, networkSync, type Timing } from './devices-bench';

const [mode, phone, work] = process.argv.slice(2);
if (!phone || !work || (mode !== 'stream' && mode !== 'buffer' && mode !== 'sync')) {
  console.error('usage: devices-one.ts <stream|buffer|sync> <phone dir> <work dir>');
  process.exit(2);
}
const once = (): Promise<Timing> => (mode === 'sync' ? networkSync(work, phone) : localIngest(work, phone, mode));
await once(); // warm-up: the JIT and the file cache, as in a desktop app that has been running
const measured = await once();
// Peak RSS of this process (warm-up included: both runs are the same work), in MB.
console.log(JSON.stringify({ ...measured, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
