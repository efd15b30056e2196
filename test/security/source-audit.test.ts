// Audit items 1, 33, 35, 36, 37, 40: things the Electron host and preload must never
// contain, checked over their sources (comments stripped, so explaining a rule in a
// comment does not trip it).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const files = [
  ...readdirSync(join(root, 'main', 'electron')).filter((f) => f.endsWith('.ts')).map((f) => join('main', 'electron', f)),
  ...readdirSync(join(root, 'preload')).filter((f) => f.endsWith('.ts')).map((f) => join('preload', f)),
];
const code = (file: string): string => readFileSync(join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const FORBIDDEN: Array<[string, RegExp]> = [
  ['remote http:// content (item 1)', /['"`]http:\/\//],
  ['certificate-error handler (item 33)', /['"`]certificate-error['"`]/],
  ['setCertificateVerifyProc (item 33)', /setCertificateVerifyProc/],
  ['ELECTRON_DISABLE_SECURITY_WARNINGS (item 35)', /ELECTRON_DISABLE_SECURITY_WARNINGS/],
  ['eval / new Function (item 36)', /\beval\s*\(|new Function\s*\(/],
  ['executeJavaScript / insertCSS (item 36)', /executeJavaScript|insertCSS/],
  ['the remote module (item 37)', /@electron\/remote|enableRemoteModule|\bremote\./],
  ['crashReporter uploads (item 40)', /crashReporter/],
  ['file:// loading (item 18)', /loadFile\(|['"`]file:\/\//],
  ['deep-link registration (item 32)', /setAsDefaultProtocolClient/],
  ['child_process / fork with ELECTRON_RUN_AS_NODE (item 21)', /child_process|ELECTRON_RUN_AS_NODE/],
];

describe('Electron host source audit', () => {
  it('scans every host and preload file', () => {
    expect(files.length).toBeGreaterThan(15);
  });
  for (const [what, pattern] of FORBIDDEN) {
    it(`contains no ${what}`, () => {
      const hits = files.filter((f) => pattern.test(code(f)));
      expect(hits).toEqual([]);
    });
  }
  it('has exactly one IPC entry point, the checked one in ipc.ts (row 44)', () => {
    const hits = files.flatMap((f) => [...code(f).matchAll(/\b(?:ipcMain|ipc)\.(handle|handleOnce|on|once)\(\s*([A-Z_]+|'[^']*')/g)].map((m) => `${f}: ${m[1] ?? ''} ${m[2] ?? ''}`));
    expect(hits).toEqual(['main/electron/ipc.ts: handle INVOKE_CHANNEL', 'preload/bridge.ts: on EVENT_CHANNEL']);
  });

  it('opens external links only through the allowlist', () => {
    const hits = files.flatMap((f) => [...code(f).matchAll(/shell\.openExternal\(([^)]*)\)/g)].map((m) => `${f}: ${m[1] ?? ''}`));
    expect(hits).toEqual(['main/electron/main.ts: target']);
    expect(code('main/electron/main.ts')).toMatch(/const target = externalLinkTarget\(url\);\s*if \(target\) void shell\.openExternal\(target\);/);
  });
});
