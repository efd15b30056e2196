#!/usr/bin/env node
// `npm run reliability`: the long variants of the reliability campaign and their figures.
// Runs (each as its own Vitest process, KEEPSAKE_RELIABILITY=1):
//   1. the kill loops (200 seeded SIGKILLs per operation; --iterations N to change),
//   2. fault-injected uploads (500 packs per server) and the cloud fault suite,
//   3. the hostile-input and fuzz suites (tests run and outcomes; fast-check runs summed),
//   4. the soak (scripts/soak.mjs, --soak-minutes N, default 10; 0 skips it),
//   5. the single-scenario rows: power loss (500 images), lock lapse, eventual
//      consistency, interrupted multipart upload (200 MB),
// then prints the figures table (or JSON with --json) and, with --write-docs, puts it
// between the figures markers in docs/reliability.md. Exit status 1 if any figure fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { values: opt } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    iterations: { type: 'string', default: '200' },
    'soak-minutes': { type: 'string', default: '10' },
    only: { type: 'string' }, // kill | faults | hostile | soak | rows (comma-separated)
  },
});
const only = opt.only ? new Set(opt.only.split(',')) : null;
const want = (part) => !only || only.has(part);
const figuresDir = mkdtempSync(join(tmpdir(), 'keepsake-figures-'));
const log = (line) => process.stderr.write(`${line}\n`);

function vitest(files, extraEnv = {}, jsonOut = null) {
  const args = ['vitest', 'run', '--config', 'test/reliability/harness/vitest.figures.config.ts', ...files];
  if (jsonOut) args.push('--reporter=default', '--reporter=json', `--outputFile.json=${jsonOut}`);
  log(`→ npx ${args.join(' ')}`);
  const r = spawnSync('npx', args, { cwd: root, stdio: ['ignore', 2, 2], env: { ...process.env, KEEPSAKE_RELIABILITY: '1', KEEPSAKE_FIGURES_DIR: figuresDir, ...extraEnv } });
  return r.status === 0;
}

const readJson = (name) => (existsSync(join(figuresDir, name)) ? JSON.parse(readFileSync(join(figuresDir, name), 'utf8')) : null);
const result = { when: new Date().toISOString(), machine: `${process.platform} ${process.arch}, node ${process.version}`, killLoops: [], faultUploads: [], cloudFaultSuite: null, hostile: null, fuzz: null, soak: null, rows: null, ok: true };

if (want('kill')) {
  const ok = vitest(['test/reliability/kill-loop-vault.test.ts', 'test/reliability/kill-loop-sync.test.ts'], { KEEPSAKE_KILL_ITERATIONS: opt.iterations });
  for (const f of readdirSync(figuresDir).filter((n) => n.startsWith('kill-loop-')).sort()) result.killLoops.push(readJson(f));
  if (!ok) result.ok = false;
}

if (want('faults')) {
  const out = join(figuresDir, 'cloud-faults.vitest.json');
  const ok = vitest(['test/reliability/fault-uploads.test.ts', 'test/unit/cloud/faults.test.ts', 'test/unit/cloud/gc-rollback.test.ts'], {}, out);
  result.faultUploads = readJson('fault-uploads.json') ?? [];
  result.cloudFaultSuite = summarize(out);
  if (!ok) result.ok = false;
}

if (want('hostile')) {
  const out = join(figuresDir, 'hostile.vitest.json');
  const files = ['test/security', 'test/fuzz', 'test/unit/intake/archives', 'test/unit/intake/records', 'test/unit/intake/media', 'test/unit/devices/gateway-security.test.ts', 'test/unit/devices/pairing-security.test.ts', 'test/unit/vault/tamper.test.ts', 'test/unit/keys/slot-file-fuzz.test.ts'];
  const ok = vitest(files.filter((f) => existsSync(join(root, f))), {}, out);
  result.hostile = summarize(out);
  const runs = existsSync(join(figuresDir, 'fc-runs.jsonl'))
    ? readFileSync(join(figuresDir, 'fc-runs.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
  result.fuzz = { properties: runs.reduce((n, r) => n + r.properties, 0), executions: runs.reduce((n, r) => n + r.runs, 0), files: runs.map((r) => ({ file: relative(root, r.file), properties: r.properties, runs: r.runs })) };
  if (!ok) result.ok = false;
}

if (want('soak') && Number(opt['soak-minutes']) > 0) {
  const out = join(figuresDir, 'soak.json');
  log(`→ node scripts/soak.mjs --minutes ${opt['soak-minutes']}`);
  const r = spawnSync(process.execPath, ['scripts/soak.mjs', '--minutes', opt['soak-minutes'], '--json-out', out], { cwd: root, stdio: ['ignore', 2, 2] });
  result.soak = readJson('soak.json');
  if (r.status !== 0) result.ok = false;
}

if (want('rows')) {
  const out = join(figuresDir, 'rows.vitest.json');
  const ok = vitest(['test/reliability/power-loss.test.ts', 'test/reliability/lock-lapse.test.ts', 'test/reliability/eventual-consistency.test.ts', 'test/reliability/multipart-interrupted.test.ts'], {}, out);
  result.rows = { tests: summarize(out), powerLoss: readJson('power-loss.json'), eventual: readJson('eventual-consistency.json'), multipart: readJson('multipart-interrupted.json') };
  if (!ok) result.ok = false;
}

for (const k of result.killLoops) if (k.failures || k.corruptVaults || k.lostAcked) result.ok = false;
for (const f of result.faultUploads) if (f.silentLosses) result.ok = false;
if (result.soak && result.soak.mismatches) result.ok = false;

function summarize(jsonPath) {
  if (!existsSync(jsonPath)) return null;
  const j = JSON.parse(readFileSync(jsonPath, 'utf8'));
  const files = j.testResults.map((t) => ({
    file: relative(root, t.name),
    tests: t.assertionResults.length,
    passed: t.assertionResults.filter((a) => a.status === 'passed').length,
    failed: t.assertionResults.filter((a) => a.status === 'failed').length,
  }));
  return { tests: j.numTotalTests, passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests, files };
}

function table(r) {
  const lines = [];
  lines.push(`Figures of ${r.when} (${r.machine})`, '');
  lines.push('| Figure | Value |', '|---|---|');
  for (const k of r.killLoops) lines.push(`| kill-loop ${k.operation} | ${k.runs} runs, ${k.failures} failures, ${k.corruptVaults} corrupt vaults, ${k.lostAcked} lost acknowledged (${k.acked} acks logged; ${k.finishedBeforeKill} runs finished before the kill) |`);
  for (const f of r.faultUploads) lines.push(`| faulted uploads ${f.kind} | ${f.packs} packs at ${f.toxicity * 100} % toxicity: ${f.faultsInjected} faults injected, ${f.verified} verified, ${f.silentLosses} silent losses${f.claimedSuccess ? '' : ` (honest failure: ${f.honestFailure})`} |`);
  if (r.cloudFaultSuite) lines.push(`| cloud fault suites (500 packs × 10/30/50 %, lying backend, LIST faults) | ${r.cloudFaultSuite.passed}/${r.cloudFaultSuite.tests} tests passed, ${r.cloudFaultSuite.failed} failed |`);
  if (r.hostile) lines.push(`| hostile-input and security tests | ${r.hostile.tests} tried in ${r.hostile.files.length} files: ${r.hostile.passed} handled as specified, ${r.hostile.failed} failed, ${r.hostile.skipped} skipped |`);
  if (r.fuzz) lines.push(`| fuzz executions (fast-check) | ${r.fuzz.executions} runs of ${r.fuzz.properties} properties |`);
  if (r.rows?.powerLoss) {
    const p = r.rows.powerLoss;
    lines.push(`| power loss (row 3) | ${p.images} power-cut images over ${p.operations} shim operations: ${p.failures} failed; unsynced tails dropped ${p.tailsDropped}, torn ${p.tailsTorn}, garbled ${p.tailsGarbled}, kept ${p.tailsKept}; ${p.nameChangesLost} unsynced name changes lost |`);
  }
  if (r.rows?.eventual) {
    const e = r.rows.eventual;
    lines.push(`| eventual consistency (row 14) | ${e.syncs} syncs, ${e.gcRuns} clean-ups completed, ${e.honestStops} honest stops; ${e.staleReads} stale reads, ${e.hiddenFromList} keys hidden from LIST; ${e.deletes} objects collected, none young or named |`);
  }
  if (r.rows?.multipart) lines.push(`| interrupted multipart upload (row 12) | ${r.rows.multipart.bytes / 1048576} MB, killed after ${r.rows.multipart.partsBeforeKill} parts: rerun hash-equal, ${r.rows.multipart.orphansAborted} orphan aborted |`);
  if (r.rows?.tests) lines.push(`| rows 3, 8, 12, 14 tests | ${r.rows.tests.passed}/${r.rows.tests.tests} passed, ${r.rows.tests.failed} failed |`);
  if (r.soak) lines.push(`| soak (${r.soak.minutes} min, seed ${r.soak.seed}) | ${r.soak.actions} actions, ${r.soak.mismatches} model mismatches, subset coverage ${r.soak.subsetCoverage} |`);
  lines.push('', `Overall: ${r.ok ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}

const text = table(result);
if (opt.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else process.stdout.write(`${text}\n`);
if (opt['write-docs']) {
  const doc = join(root, 'docs', 'reliability.md');
  const src = readFileSync(doc, 'utf8');
  const start = '<!-- figures:start -->';
  const end = '<!-- figures:end -->';
  const a = src.indexOf(start);
  const b = src.indexOf(end);
  if (a < 0 || b < a) throw new Error('docs/reliability.md has no figures markers');
  writeFileSync(doc, `${src.slice(0, a + start.length)}\n${text}\n${src.slice(b)}`);
}
rmSync(figuresDir, { recursive: true, force: true });
process.exit(result.ok ? 0 : 1);
