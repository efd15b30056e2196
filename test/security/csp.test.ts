// Audit item 7: the CSP the desktop sends (app:// responses) is evaluated with Google's
// CSP Evaluator (@doyensec/csp-evaluator) and checked directive by directive.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { appCsp } from '../../common/csp';
import { APP_SECURITY_HEADERS, DESKTOP_CSP } from '../../main/electron/app-protocol';

interface Finding {
  type: number;
  description: string;
  severity: number;
  directive: string;
  value?: string;
}
interface CspModule {
  CspParser: new (raw: string) => { csp: unknown };
  CspEvaluator: new (csp: unknown, version: number) => { evaluate(): Finding[] };
  Version: { CSP3: number };
  severities: Record<'HIGH' | 'SYNTAX' | 'MEDIUM' | 'HIGH_MAYBE' | 'STRICT_CSP' | 'MEDIUM_MAYBE' | 'INFO' | 'NONE', number>;
}
const csp = createRequire(import.meta.url)('@doyensec/csp-evaluator') as CspModule;

function evaluate(raw: string): Finding[] {
  return new csp.CspEvaluator(new csp.CspParser(raw).csp, csp.Version.CSP3).evaluate();
}

function directives(raw: string): Map<string, string[]> {
  return new Map(raw.split(';').map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([name, ...values]) => [name as string, values]));
}

describe('desktop Content-Security-Policy (audit item 7)', () => {
  it('is the shared policy plus the vault: media scheme, sent on every app:// response', () => {
    expect(DESKTOP_CSP).toBe(appCsp(['vault:']));
    expect(APP_SECURITY_HEADERS['Content-Security-Policy']).toBe(DESKTOP_CSP);
  });

  it('has no HIGH, SYNTAX, MEDIUM or possible-HIGH finding in CSP Evaluator', () => {
    const serious = evaluate(DESKTOP_CSP).filter((f) => f.severity < csp.severities.STRICT_CSP);
    expect(serious).toEqual([]);
  });

  it('allows scripts only from the app itself: no unsafe-inline, unsafe-eval, remote or data sources', () => {
    const d = directives(DESKTOP_CSP);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    const all = DESKTOP_CSP.toLowerCase();
    for (const bad of ["'unsafe-eval'", "'unsafe-inline'", "'wasm-unsafe-eval'", 'http:', 'https:', '*']) expect(all).not.toContain(bad);
  });

  it("forbids plugins, base rewriting, form posts and framing: object-src/base-uri/frame-ancestors 'none'", () => {
    const d = directives(DESKTOP_CSP);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
  });

  it('the evaluator does flag a weak policy (so the check above can fail)', () => {
    const weak = evaluate("script-src 'self' 'unsafe-inline' 'unsafe-eval' https:");
    expect(weak.filter((f) => f.severity === csp.severities.HIGH).map((f) => f.directive)).toEqual(expect.arrayContaining(['script-src', 'object-src']));
  });
});
