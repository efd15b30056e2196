// The key-slot file is replaced crash-safely: tmp (O_EXCL, 0600) → fsync(tmp) → rename →
// fsync(folder), checked on the real system calls with strace (RELIABILITY row 4, applied
// to the key file whose loss would lose the vault); and a failed write leaves the old file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../main/core/vault/keys/atomic-file';

const dir = mkdtempSync(join(tmpdir(), 'keepsake-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasStrace = spawnSync('strace', ['-V']).status === 0;
const ROOT = resolve(__dirname, '../../..');

describe('writeFileAtomic', () => {
  it('replaces the content whole and leaves no temporary file', () => {
    const path = join(dir, 'file.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('reports IO and keeps the old file when the new one cannot be put in place', () => {
    const path = join(dir, 'kept.json');
    writeFileAtomic(path, 'old');
    // A folder where the file should go makes rename fail after the temp file was written.
    const blocked = join(dir, 'blocked');
    execFileSync('mkdir', ['-p', join(blocked, 'inner')]);
    expect(() => writeFileAtomic(blocked, 'new')).toThrowError(expect.objectContaining({ code: 'IO' }));
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it.skipIf(!hasStrace)('syncs the temp file before the rename and the folder after it (strace)', () => {
    const script = join(dir, 'write.mts');
    const home = join(dir, 'home');
    writeFileSync(
      script,
      [
        `import { createKeySlots } from ${JSON.stringify(join(ROOT, 'main/core/vault/keys/key-slots.ts'))};`,
        `import { vaultLayout } from ${JSON.stringify(join(ROOT, 'main/core/vault/layout.ts'))};`,
        `await createKeySlots(vaultLayout(${JSON.stringify(home)}), 'pass', { fastKdfForTests: true });`,
      ].join('\n'),
    );
    const trace = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2,close', process.execPath, join(ROOT, 'bin/tsx.mjs'), script], { encoding: 'utf8' });
    expect(trace.status, trace.stderr.slice(-2000)).toBe(0);
    const lines = trace.stderr.split('\n').map((l) => l.replace(/^\[pid\s+\d+\]\s*/, ''));
    const tmpOpen = lines.findIndex((l) => /openat\(.*\.keyslots\.json\.[0-9a-f]+\.tmp", O_WRONLY\|O_CREAT\|O_EXCL.*= \d+$/.test(l));
    expect(tmpOpen, 'temp file opened with O_EXCL').toBeGreaterThan(-1);
    const tmpFd = /= (\d+)$/.exec(lines[tmpOpen] ?? '')?.[1];
    const fsyncTmp = lines.findIndex((l, i) => i > tmpOpen && new RegExp(`^f(data)?sync\\(${tmpFd}\\)`).test(l));
    const rename = lines.findIndex((l, i) => i > fsyncTmp && /^rename(at2?)?\(.*\.tmp".*keyslots\.json"/.test(l));
    const dirOpen = lines.findIndex((l, i) => i > rename && new RegExp(`openat\\(.*"${join(home, 'vault')}", O_RDONLY.*= \\d+$`).test(l));
    const dirFd = /= (\d+)$/.exec(lines[dirOpen] ?? '')?.[1];
    const fsyncDir = lines.findIndex((l, i) => i > dirOpen && new RegExp(`^fsync\\(${dirFd}\\)`).test(l));
    expect(fsyncTmp, 'fsync(tmp) after open').toBeGreaterThan(tmpOpen);
    expect(rename, 'rename after fsync(tmp)').toBeGreaterThan(fsyncTmp);
    expect(dirOpen, 'folder opened after rename').toBeGreaterThan(rename);
    expect(fsyncDir, 'fsync(folder) after rename').toBeGreaterThan(dirOpen);
  });
});
