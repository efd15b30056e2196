// The soak (RELIABILITY row 52): weighted random actions — import (fixtures and generated),
// phone sync through the agent, edit, erase, cloud sync through 5 % faults, compaction,
// restore-and-compare (local, and a wiped computer from the cloud), partial read-check
// rotating --read-data-subset n/8 — against the model of what must exist. Runs for
// --minutes (default 10), then a full compare and a full --read-data check. Any mismatch
// fails (exit 1) and names the seed; --seed replays a run. Not part of `npm test`.
//   node bin/tsx.mjs test/soak/soak.ts --minutes 10 [--seed N] [--json-out file]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { rng } from '../reliability/harness/kill-loop';
import { choose, SLICES, type SoakState } from './actions';
import { Model } from './model';
import { startRig } from './rig';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, seed: { type: 'string' }, 'json-out': { type: 'string' }, verbose: { type: 'boolean', default: false } } });
const minutes = Number(values.minutes);
const seed = values.seed ? Number(values.seed) : Date.now() % 1_000_000;
const say = (line: string): void => void process.stderr.write(`${line}\n`);

const rig = await startRig(seed);
const state: SoakState = { rig, model: new Model(), random: rng(seed), synced: null, counter: 0, slice: 0, slicesRun: new Set(), fixtureOriginals: new Map(), stats: { honestSyncFailures: 0, faultsInjected: 0 } };
const counts: Record<string, number> = {};
const mismatches: string[] = [];
const deadline = Date.now() + minutes * 60_000;
let actions = 0;
let crashed: string | null = null;
say(`soak: seed ${seed}, ${minutes} min`);
try {
  while (Date.now() < deadline && mismatches.length === 0) {
    const a = choose(state.random);
    const r = await a.run(state);
    actions++;
    counts[a.name] = (counts[a.name] ?? 0) + 1;
    if (values.verbose) say(`${actions} ${r.line}`);
    for (const m of r.mismatches) mismatches.push(`${a.name} (action ${actions}): ${m}`);
  }
  // the end: a full compare, every slice read once more, and a full --read-data check
  mismatches.push(...(await state.model.compare(rig.vault)).map((m) => `final compare: ${m}`));
  while (state.slicesRun.size < SLICES) {
    state.slice = (state.slice % SLICES) + 1;
    const r = await rig.vault.check({ readData: true, subset: `${state.slice}/${SLICES}` });
    mismatches.push(...r.problems.map((p) => `final subset ${state.slice}/${SLICES}: ${JSON.stringify(p)}`));
    state.slicesRun.add(state.slice);
  }
  const full = await rig.vault.check({ readData: true });
  mismatches.push(...full.problems.map((p) => `final check: ${JSON.stringify(p)}`));
} catch (e) {
  crashed = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  mismatches.push(`unexpected error after ${actions} actions: ${crashed}`);
} finally {
  await rig.close().catch(() => undefined);
}

const result = {
  seed,
  minutes,
  actions,
  perAction: counts,
  items: state.model.items.size,
  erased: state.model.erased.size,
  honestSyncFailures: state.stats.honestSyncFailures,
  faultsInjected: state.stats.faultsInjected,
  subsetCoverage: `${state.slicesRun.size}/${SLICES} slices`,
  mismatches: mismatches.length,
  firstMismatches: mismatches.slice(0, 20),
};
if (values['json-out']) writeFileSync(values['json-out'], `${JSON.stringify(result, null, 2)}\n`);
say(JSON.stringify(result, null, 2));
if (mismatches.length) say(`soak FAILED — replay with: npm run soak -- --seed ${seed} --minutes ${minutes}`);
process.exit(mismatches.length ? 1 : 0);
