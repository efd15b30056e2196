// The pre-bundled CLI (scripts/build-cli.mjs → dist/cli/keepsake.mjs): it runs the vault
// commands end to end without the tsx loader, keeps only native addons and built-ins
// external, keeps commands in their own chunks (so `backup` does not load the cloud SDKs),
// and bin/keepsake.mjs picks it only when asked (KEEPSAKE_CLI_BUNDLE) or when installed;
// the CLI session holder (a separate process entry) works from the bundle too.
// Builds into its own dist/ folder so parallel test files never read a half-written bundle.
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudoRandom, tempDir } from './helpers';

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const outName = `cli-test-${process.pid}`;
const out = join(root, 'dist', outName);
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const ALLOWED = new Set(['better-sqlite3-multiple-ciphers', 'sharp', '@node-rs/argon2', 'pdfkit', 'electron']);

interface Meta {
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }>; inputs: Record<string, unknown>; entryPoint?: string }>;
}
let meta: Meta;
let t: ReturnType<typeof tempDir>;

beforeAll(async () => {
  t = tempDir('ks-cli-bundle-');
  await run(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--outdir', join('dist', outName)], { cwd: root, timeout: 50_000 });
  meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as Meta;
}, 60_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  t.cleanup();
});

function ks(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(out, 'keepsake.mjs'), ...args], {
    env: { ...process.env, KEEPSAKE_HOME: join(t.dir, 'home'), KEEPSAKE_PASSPHRASE: 'bundle test passphrase', ...env },
    encoding: 'utf8',
    input: '',
    timeout: 50_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every output file reachable from `file` through static imports only (what loads before any command runs). */
function staticClosure(file: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const i of meta.outputs[name]?.imports ?? []) if (!i.external && i.kind === 'import-statement') visit(i.path);
  };
  visit(file);
  return seen;
}

describe('the bundled CLI', () => {
  it('imports nothing from node_modules but native addons and pdfkit; the entry loads no command up front', () => {
    const external = new Set<string>();
    for (const o of Object.values(meta.outputs)) for (const i of o.imports) if (i.external) external.add(i.path);
    expect([...external].filter((m) => !builtins.has(m) && !ALLOWED.has(m))).toEqual([]);
    const entry = Object.keys(meta.outputs).find((name) => name.endsWith(`${outName}/keepsake.mjs`));
    expect(entry).toBeDefined();
    const loaded = [...staticClosure(entry!)].flatMap((name) => Object.keys(meta.outputs[name]?.inputs ?? {}));
    expect(loaded.some((p) => p.includes('main/cli/run.ts'))).toBe(true);
    // the heavy command modules stay behind dynamic imports
    expect(loaded.filter((p) => /@aws-sdk|pdfkit|webdav|mailparser|main\/cli\/commands\/(backup|sync|kit)\.ts/.test(p))).toEqual([]);
    for (const worker of ['ical-expand-worker.mjs', 'heic-worker.mjs', 'parse-worker-entry.mjs', 'storage-worker-entry.mjs']) {
      expect(Object.keys(meta.outputs).some((name) => name.endsWith(`${outName}/${worker}`))).toBe(true);
    }
  });

  it('--version, init, backup, check --read-data and restore work without tsx', () => {
    const version = ks(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);

    expect(ks(['init', '--json']).status).toBe(0);
    const src = join(t.dir, 'src');
    mkdirSync(join(src, 'DCIM'), { recursive: true });
    writeFileSync(join(src, 'DCIM', 'IMG_1.jpg'), pseudoRandom(1_500_000, 7));
    for (let i = 0; i < 30; i++) writeFileSync(join(src, `note-${i}.txt`), pseudoRandom(100 + i * 50, i));
    const backup = ks(['backup', src, '--json']);
    expect(backup.status, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout).report).toMatchObject({ files: 31, added: 31 });
    const check = ks(['check', '--read-data', '--json']);
    expect(check.status, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true });

    const restored = join(t.dir, 'out');
    expect(ks(['restore', 'latest', restored]).status).toBe(0);
    expect(readFileSync(join(restored, 'DCIM', 'IMG_1.jpg')).equals(pseudoRandom(1_500_000, 7))).toBe(true);
    expect(readFileSync(join(restored, 'note-29.txt')).equals(pseudoRandom(100 + 29 * 50, 29))).toBe(true);

    // a wrong passphrase still maps to its exit code through the bundle
    expect(ks(['unlock'], { KEEPSAKE_PASSPHRASE: 'not it' }).status).toBe(4);
  });

  it('keeps a CLI session with the bundled holder: unlock --session, a command without the passphrase, lock', () => {
    expect(Object.keys(meta.outputs).some((name) => name.endsWith(`${outName}/session-holder-entry.mjs`))).toBe(true);
    const runtime = join(t.dir, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    const env = { XDG_RUNTIME_DIR: runtime, KEEPSAKE_SESSION: '' };
    const start = ks(['unlock', '--session', '--json'], env);
    expect(start.status, start.stderr).toBe(0);
    const pid = (JSON.parse(start.stdout) as { session: { pid: number } }).session.pid;
    try {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain(`${outName}/session-holder-entry.mjs`);
      const stats = ks(['stats', '--json'], { ...env, KEEPSAKE_PASSPHRASE: '' });
      expect(stats.status, stats.stderr).toBe(0);
      expect(stats.stderr).toBe('');
      const lock = ks(['lock', '--json'], env);
      expect(JSON.parse(lock.stdout)).toEqual({ ok: true, ended: true });
      expect(ks(['stats', '--json'], { ...env, KEEPSAKE_PASSPHRASE: '' }).status).toBe(2);
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already ended by lock
      }
    }
  });

  it('bin/keepsake.mjs picks the bundle when asked (KEEPSAKE_CLI_BUNDLE=1) or installed without sources, else the sources', () => {
    // a copy of bin/ in a package folder whose "bundle" and "sources" each say who they are
    const pkg = join(t.dir, 'pkg');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    mkdirSync(join(pkg, 'main', 'cli'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
    writeFileSync(join(pkg, 'package.json'), '{"type":"module"}\n');
    copyFileSync(join(root, 'bin', 'keepsake.mjs'), join(pkg, 'bin', 'keepsake.mjs'));
    writeFileSync(join(pkg, 'main', 'cli', 'main.ts'), "const who: string = 'sources';\nconsole.log(who);\n");
    const which = (env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } =>
      spawnSync(process.execPath, [join(pkg, 'bin', 'keepsake.mjs')], { env: { ...process.env, KEEPSAKE_CLI_BUNDLE: '', ...env }, encoding: 'utf8' });

    const missing = which({ KEEPSAKE_CLI_BUNDLE: '1' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('npm run build');
    expect(which({}).stdout.trim()).toBe('sources');

    mkdirSync(join(pkg, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(pkg, 'dist', 'cli', 'keepsake.mjs'), "console.log('bundle');\n");
    expect(which({}).stdout.trim()).toBe('sources'); // a working tree: the sources win over a possibly stale bundle
    expect(which({ KEEPSAKE_CLI_BUNDLE: '1' }).stdout.trim()).toBe('bundle');
    rmSync(join(pkg, 'main'), { recursive: true });
    expect(which({}).stdout.trim()).toBe('bundle'); // installed without sources
  });
});
