// The benchmark's phone-like data set: incompressible "photos/videos" of 1–8 MiB and many
// small files, generated deterministically (file i from seed i) into a cache folder once,
// so every run and every tool sees the same bytes. `modify` rewrites part of 5 % of the
// big files and `heal` puts them back.
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Dataset {
  dir: string;
  bigFiles: number;
  smallFiles: number;
  bytes: number;
}

/** Fast deterministic incompressible bytes: AES-CTR keystream seeded from a string. */
export function bytesFor(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const c = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return c.update(Buffer.alloc(size));
}

function plan(sizeMb: number): { big: number[]; small: number[] } {
  const scale = sizeMb / 1000;
  const bigCount = Math.max(3, Math.round(200 * scale));
  const smallCount = Math.max(10, Math.round(20000 * scale));
  const big: number[] = [];
  const small: number[] = [];
  for (let i = 0; i < bigCount; i++) big.push(1024 * 1024 + (createHash('sha256').update(`b${i}`).digest().readUInt32BE(0) % (7 * 1024 * 1024)));
  for (let i = 0; i < smallCount; i++) small.push(512 + (createHash('sha256').update(`s${i}`).digest().readUInt32BE(0) % 8192));
  return { big, small };
}

export function ensureDataset(cacheRoot: string, sizeMb: number): Dataset {
  const dir = join(cacheRoot, `data-${sizeMb}mb`);
  const { big, small } = plan(sizeMb);
  const marker = join(dir, '.complete');
  if (!existsSync(marker)) {
    console.log(`Generating the data set (${sizeMb} MB) in ${dir} …`);
    big.forEach((size, i) => writeBig(dir, i, size));
    small.forEach((size, i) => {
      const sub = join(dir, 'small', String(i % 100).padStart(2, '0'));
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `note-${i}.txt`), bytesFor(`s${i}`, size));
    });
    writeFileSync(marker, 'ok');
  }
  const bytes = big.reduce((a, b) => a + b, 0) + small.reduce((a, b) => a + b, 0);
  return { dir, bigFiles: big.length, smallFiles: small.length, bytes };
}

function bigName(dir: string, i: number): string {
  const sub = join(dir, 'DCIM', String(Math.floor(i / 50)).padStart(3, '0'));
  mkdirSync(sub, { recursive: true });
  return join(sub, i % 5 === 0 ? `VID_${i}.mp4` : `IMG_${i}.jpg`);
}

function writeBig(dir: string, i: number, size: number): void {
  writeFileSync(bigName(dir, i), bytesFor(`b${i}`, size));
}

/** Overwrites 64 KiB in the middle of 5 % of the big files and 5 % of the small ones. */
export function modify(ds: Dataset, sizeMb: number): number {
  const { big, small } = plan(sizeMb);
  let n = 0;
  for (let i = 0; i < big.length; i += 20) {
    const path = bigName(ds.dir, i);
    const data = readFileSync(path);
    bytesFor(`m${i}`, 65536).copy(data, Math.floor(data.length / 2));
    writeFileSync(path, data);
    n++;
  }
  for (let i = 0; i < small.length; i += 20) {
    writeFileSync(join(ds.dir, 'small', String(i % 100).padStart(2, '0'), `note-${i}.txt`), bytesFor(`m${i}`, small[i]!));
    n++;
  }
  return n;
}

export function heal(ds: Dataset, sizeMb: number): void {
  const { big, small } = plan(sizeMb);
  for (let i = 0; i < big.length; i += 20) writeBig(ds.dir, i, big[i]!);
  for (let i = 0; i < small.length; i += 20) writeFileSync(join(ds.dir, 'small', String(i % 100).padStart(2, '0'), `note-${i}.txt`), bytesFor(`s${i}`, small[i]!));
}
