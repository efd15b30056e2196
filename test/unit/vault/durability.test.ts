// Durability and privacy at rest: the pack write order is tmp write → fsync → rename →
// fsync(dir) (RELIABILITY row 4), and no plaintext reaches the disk: a canary stored in
// every field, file name and file body is found nowhere under the data folder, WAL
// included (row 35).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realFs, type DurableFs } from '../../../main/core/vault/durable-fs';
import { newVault, pseudoRandom, tempDir } from './helpers';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function recordingFs(log: string[]): DurableFs {
  const names = new Map<number, string>();
  return {
    ...realFs,
    open(path, flags, mode) {
      const fd = realFs.open(path, flags, mode);
      names.set(fd, path);
      log.push(`open ${path}`);
      return fd;
    },
    write(fd, data) {
      realFs.write(fd, data);
      if (log.at(-1) !== `write ${names.get(fd)}`) log.push(`write ${names.get(fd)}`);
    },
    fsync(fd) {
      realFs.fsync(fd);
      log.push(`fsync ${names.get(fd)}`);
    },
    async fsyncAsync(fd) {
      await realFs.fsyncAsync(fd);
      log.push(`fsync ${names.get(fd)}`);
    },
    close(fd) {
      realFs.close(fd);
      log.push(`close ${names.get(fd)}`);
    },
    rename(from, to) {
      realFs.rename(from, to);
      log.push(`rename ${from} -> ${to}`);
    },
    fsyncDir(dir) {
      realFs.fsyncDir(dir);
      log.push(`fsyncdir ${dir}`);
    },
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('durability and privacy at rest', () => {
  it('writes packs tmp → fsync → rename → fsync(dir) before the item is acknowledged', async () => {
    const log: string[] = [];
    const { vault } = await newVault(t.dir, { fs: recordingFs(log) });
    const [r] = await vault.putItems([{ category: 'photo', sourceKey: 'a', fields: {}, personal: true, files: [{ role: 'original', name: 'a.jpg', mime: 'image/jpeg', data: pseudoRandom(70_000, 1) }] }]);
    expect(r!.status).toBe('added');
    const tmp = log[0]!.replace('open ', '');
    expect(tmp).toContain(join('vault', 'tmp'));
    const final = log.find((l) => l.startsWith('rename '))!.split(' -> ')[1]!;
    expect(log).toEqual([`open ${tmp}`, `write ${tmp}`, `fsync ${tmp}`, `close ${tmp}`, `rename ${tmp} -> ${final}`, `fsyncdir ${dirname(final)}`]);
    vault.close();
  });

  it('leaves no plaintext canary anywhere under the data folder', async () => {
    const CANARY = 'CANARY-7f3a9c-DO-NOT-LEAK';
    const { vault } = await newVault(t.dir);
    await vault.putItems([
      {
        category: 'message',
        sourceKey: `msg-${CANARY}`,
        deviceId: `phone-${CANARY}`,
        title: `From ${CANARY}`,
        text: `The secret word is ${CANARY}, repeated ${CANARY}.`,
        fields: { from: CANARY },
        personal: true,
        files: [{ role: 'attachment', name: `${CANARY}.txt`, mime: 'text/plain', data: Buffer.from(`attachment ${CANARY}`.repeat(100)) }],
      },
    ]);
    const src = join(t.dir, 'src');
    mkdirSync(src);
    writeFileSync(join(src, `${CANARY}.jpg`), `jpeg bytes ${CANARY}`);
    await vault.backupFolder(src);
    expect(vault.search(CANARY.split('-')[0]!)).toHaveLength(2); // the message and the file (by its name)
    const files = walk(join(t.dir, 'vault'));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true); // the WAL is checked while the vault is open
    const hits = (): string[] => files.filter((f) => statSync(f, { throwIfNoEntry: false }) && readFileSync(f).includes(CANARY));
    expect(hits()).toEqual([]);
    vault.close();
    expect(walk(join(t.dir, 'vault')).filter((f) => readFileSync(f).includes(CANARY))).toEqual([]);
  });
});
