// Vitest setup: property tests (fast-check) run from a fixed seed in `npm test`, so the gate
// gives the same answer on every machine; `npm run reliability` (KEEPSAKE_RELIABILITY=1)
// or KEEPSAKE_FUZZ_SEED=random explores new inputs each run, and KEEPSAKE_FUZZ_SEED=<n>
// replays one. A failure prints its seed and path either way.
import fc from 'fast-check';

const wanted = process.env.KEEPSAKE_FUZZ_SEED ?? (process.env.KEEPSAKE_RELIABILITY === '1' ? 'random' : '20261129');
if (wanted !== 'random') fc.configureGlobal({ seed: Number(wanted) });
