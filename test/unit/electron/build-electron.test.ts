// scripts/build-electron.mjs: the main and preload bundles are CommonJS, keep only
// electron, the native modules and Node built-ins external, and the preload requires
// nothing but electron (a sandboxed preload cannot require anything else).
import { execFile } from 'node:child_process';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
const out = join(root, 'dist', 'electron');
const bareRequires = (text: string): string[] => [...new Set([...text.matchAll(/\brequire\("([^".][^"]*)"\)/g)].map((m) => m[1] as string))].sort();
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(root, 'scripts', 'build-electron.mjs')], { cwd: root, timeout: 50_000 });
}, 60_000);

describe('build-electron', () => {
  it('bundles the main process with only electron, native modules and built-ins external', () => {
    const main = readFileSync(join(out, 'main.cjs'), 'utf8');
    const allowed = new Set(['electron', 'better-sqlite3-multiple-ciphers', 'sharp', '@node-rs/argon2', 'pdfkit']);
    expect(bareRequires(main).filter((m) => !builtins.has(m) && !allowed.has(m))).toEqual([]);
    expect(bareRequires(main)).toContain('electron');
    // import.meta.url is rewritten so core can still find package.json next to dist/.
    expect(main).toMatch(/^const __keepsake_import_meta_url = require\('node:url'\)/);
    expect(main).not.toMatch(/import\.meta/);
  });

  it('bundles the preload as CommonJS that requires nothing but electron', () => {
    const preload = readFileSync(join(out, 'preload.cjs'), 'utf8');
    expect(bareRequires(preload)).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld("keepsake"');
    expect(preload).not.toMatch(/\bexport\b|\bimport\s/);
  });
});
