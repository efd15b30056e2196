// The settle rule and the folder listing behind watch folders: a file is imported only
// after two looks at least settleMs apart saw the same size and mtime (so a half-written
// file never is), only when it differs from what was imported, and litter, links and
// empty files are left alone. Times are passed in, so nothing here depends on the clock.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLitter, listFiles, SettleTracker } from '../../../../main/core/intake/watch/scan';
import type { FileSig } from '../../../../main/core/intake/watch/store';

const dir = mkdtempSync(join(tmpdir(), 'keepsake-watch-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const look = (entries: Record<string, FileSig>) => new Map(Object.entries(entries));

describe('SettleTracker', () => {
  it('waits for two equal looks settleMs apart, and starts over when the file grows', () => {
    const t = new SettleTracker(5000);
    const none = new Map<string, FileSig>();
    expect(t.observe(look({ a: { size: 10, mtimeMs: 1 } }), none, 0)).toEqual({ ready: [], settling: 1 });
    // Still being written: size and mtime moved, the wait starts again.
    expect(t.observe(look({ a: { size: 20, mtimeMs: 2 } }), none, 4000)).toEqual({ ready: [], settling: 1 });
    // Unchanged but not long enough since the last change.
    expect(t.observe(look({ a: { size: 20, mtimeMs: 2 } }), none, 8000)).toEqual({ ready: [], settling: 1 });
    expect(t.observe(look({ a: { size: 20, mtimeMs: 2 } }), none, 9000)).toEqual({ ready: [{ path: 'a', size: 20, mtimeMs: 2 }], settling: 0 });
  });

  it('ignores what was already imported unchanged, and takes it again once it changed', () => {
    const t = new SettleTracker(100);
    const imported = look({ a: { size: 5, mtimeMs: 7 } });
    expect(t.observe(look({ a: { size: 5, mtimeMs: 7 } }), imported, 0)).toEqual({ ready: [], settling: 0 });
    expect(t.observe(look({ a: { size: 5, mtimeMs: 9 } }), imported, 1000)).toEqual({ ready: [], settling: 1 });
    expect(t.observe(look({ a: { size: 5, mtimeMs: 9 } }), imported, 1100).ready).toEqual([{ path: 'a', size: 5, mtimeMs: 9 }]);
  });

  it('skips empty files (a copy at its first instant) and forgets files that vanished or were handed off', () => {
    const t = new SettleTracker(100);
    const none = new Map<string, FileSig>();
    expect(t.observe(look({ e: { size: 0, mtimeMs: 1 } }), none, 0)).toEqual({ ready: [], settling: 0 });
    expect(t.observe(look({ e: { size: 0, mtimeMs: 1 } }), none, 1000)).toEqual({ ready: [], settling: 0 });
    t.observe(look({ b: { size: 3, mtimeMs: 1 } }), none, 0);
    t.observe(look({}), none, 50); // b removed
    expect(t.observe(look({ b: { size: 3, mtimeMs: 1 } }), none, 200)).toEqual({ ready: [], settling: 1 });
    expect(t.observe(look({ b: { size: 3, mtimeMs: 1 } }), none, 300).ready).toHaveLength(1);
    t.forget(['b']);
    expect(t.observe(look({ b: { size: 3, mtimeMs: 1 } }), none, 400)).toEqual({ ready: [], settling: 1 });
  });
});

describe('listFiles', () => {
  it('lists regular files recursively, without litter or links, and throws for a missing folder', async () => {
    mkdirSync(join(dir, 'sub/deeper'), { recursive: true });
    writeFileSync(join(dir, 'a.vcf'), 'x');
    writeFileSync(join(dir, 'sub/deeper/b.jpg'), 'yy');
    for (const junk of ['.DS_Store', 'Thumbs.db', '._a.vcf', 'c.jpg.part', 'd.crdownload']) writeFileSync(join(dir, junk), 'z');
    symlinkSync(join(dir, 'a.vcf'), join(dir, 'link.vcf'));
    const files = await listFiles(dir);
    expect([...files.keys()].sort()).toEqual([join(dir, 'a.vcf'), join(dir, 'sub/deeper/b.jpg')]);
    expect(files.get(join(dir, 'sub/deeper/b.jpg'))?.size).toBe(2);
    await expect(listFiles(join(dir, 'nope'))).rejects.toThrow();
    expect(isLitter('IMG_0001.jpg')).toBe(false);
  });
});
