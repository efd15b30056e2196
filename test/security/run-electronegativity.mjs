// Runs Electronegativity (Doyensec's Electron static analyser) programmatically over one
// folder and prints its findings as JSON on stdout: [{ id, severity, confidence, file,
// line, sample }]. Used by electronegativity.test.ts in a child process, because the tool
// registers i18n globals and logs through winston. The network-only check
// (AvailableSecurityFixesGlobalCheck: fetches Electron's release list) is excluded so the
// result never depends on connectivity; audit item 16 is answered with `npm audit`.
// Usage: node test/security/run-electronegativity.mjs <folder> [report.sarif]
// (with a second argument the tool also writes its SARIF report there, for CI viewers)
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
const run = load('@doyensec/electronegativity/dist/runner.js');

async function main() {
  const input = process.argv[2];
  const sarif = process.argv[3];
  if (!input) throw new Error('usage: run-electronegativity.mjs <folder> [report.sarif]');
  // Keep the tool's own chatter (winston, i18n fetch warnings) off stdout.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => process.stderr.write(chunk, ...rest);
  const result = await run(
    {
      input,
      ...(sarif ? { output: sarif, isSarif: true } : { isSarif: false }),
      customScan: [],
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      isRelative: true,
      isVerbose: false,
      parserPlugins: [],
    },
    false,
  );
  const findings = result.issues.map((i) => ({
    id: i.id,
    severity: i.severity.name,
    confidence: i.confidence.name,
    file: i.file,
    line: i.location.line,
    sample: String(i.sample ?? '').slice(0, 200),
  }));
  write(`${JSON.stringify({ checks: result.globalChecks + result.atomicChecks, errors: result.errors.length, findings })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : String(e)}\n`);
  process.exit(1);
});
