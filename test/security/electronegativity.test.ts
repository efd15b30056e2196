// RELIABILITY row 43: Electronegativity (Doyensec's static analyser for Electron apps)
// over the Electron host, the preload and the renderer's HTML. Every HIGH or MEDIUM
// finding must have a written justification row in docs/security.md naming the check
// and the file; a new finding without one fails this test.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

interface Finding {
  id: string;
  severity: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
  confidence: string;
  file: string;
  line: number;
  sample: string;
}

const root = join(__dirname, '../..');
/** The tool's own SARIF report, kept as a test artifact (RELIABILITY row 43). */
const SARIF = join(root, 'test-results', 'security', 'electronegativity.sarif');
const stage = mkdtempSync(join(tmpdir(), 'keepsake-eng-'));
afterAll(() => rmSync(stage, { recursive: true, force: true }));

async function scan(): Promise<{ checks: number; errors: number; findings: Finding[] }> {
  // The same tree layout as the repo, so findings name repo paths.
  cpSync(join(root, 'main', 'electron'), join(stage, 'main', 'electron'), { recursive: true });
  cpSync(join(root, 'preload'), join(stage, 'preload'), { recursive: true });
  cpSync(join(root, 'renderer', 'index.html'), join(stage, 'renderer', 'index.html'));
  cpSync(join(root, 'package.json'), join(stage, 'package.json'));
  mkdirSync(dirname(SARIF), { recursive: true });
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'run-electronegativity.mjs'), stage, SARIF], { cwd: root, timeout: 50_000, maxBuffer: 8 << 20 });
  return JSON.parse(stdout) as { checks: number; errors: number; findings: Finding[] };
}

describe('Electronegativity (row 43)', () => {
  it('has no HIGH or MEDIUM finding without a written justification in docs/security.md', async () => {
    const result = await scan();
    expect(result.errors, 'files the scanner could not parse').toBe(0);
    expect(result.checks).toBeGreaterThan(30);
    const doc = readFileSync(join(root, 'docs', 'security.md'), 'utf8');
    const justified = new Set(
      doc
        .split('\n')
        .filter((l) => /^\|\s*[A-Z_]+_CHECK\s*\|/.test(l))
        .map((l) => {
          const [, id, file, reason] = l.split('|').map((c) => c.trim());
          return reason && reason.length > 40 ? `${id} ${file?.replace(/`/g, '')}` : '';
        }),
    );
    const unjustified = result.findings
      .filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM')
      .map((f) => `${f.id} ${f.file}`)
      .filter((key) => !justified.has(key));
    expect(unjustified, 'add a row "| CHECK_ID | file | why it is safe |" to docs/security.md, or fix the code').toEqual([]);
    const report = JSON.parse(readFileSync(SARIF, 'utf8')) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(report.version).toBe('2.1.0');
    expect(report.runs[0]?.results.length).toBe(result.findings.length);
  }, 60_000);

  it('finds the problem in a deliberately insecure window (so the scan above can fail)', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'keepsake-eng-bad-'));
    try {
      cpSync(join(root, 'package.json'), join(bad, 'package.json'));
      const { writeFileSync } = await import('node:fs');
      writeFileSync(
        join(bad, 'main.js'),
        "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });\n",
      );
      const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'run-electronegativity.mjs'), bad], { cwd: root, timeout: 50_000, maxBuffer: 8 << 20 });
      const findings = (JSON.parse(stdout) as { findings: Finding[] }).findings;
      expect(findings.filter((f) => f.severity === 'HIGH').map((f) => f.id)).toContain('CONTEXT_ISOLATION_JS_CHECK');
      expect(findings.map((f) => f.id)).toEqual(expect.arrayContaining(['WEB_SECURITY_JS_CHECK', 'SANDBOX_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']));
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  }, 60_000);
});
