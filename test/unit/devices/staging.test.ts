// Upload staging: bytes at rest are encrypted (no plaintext run of the upload appears in
// the file), writes resume at any offset including mid-block, the hash covers the
// plaintext, another key cannot read it back, and the sweep removes orphans only.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadStaging } from '../../../main/core/devices/staging';
import { removeAll, tempDir } from './support/harness';

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('upload staging', () => {
  let dir: string;
  let staging: UploadStaging;
  const key = randomBytes(32);

  beforeEach(() => {
    dir = tempDir('keepsake-staging-');
    staging = new UploadStaging(dir, key);
  });
  afterEach(() => removeAll(dir));

  it('stores ciphertext, resumes at odd offsets and reads back the plaintext', async () => {
    const plain = Buffer.concat([Buffer.from('PLAINTEXT-MARKER '.repeat(1000)), randomBytes(70_001)]);
    const name = staging.newName();
    // Three writers, as three ranges after two cuts: offsets 0, 12_345 (mid-block), 40_000.
    for (const [from, to] of [[0, 12_345], [12_345, 40_000], [40_000, plain.length]] as const) {
      const w = staging.writer(name, from);
      w.write(plain.subarray(from, to));
      expect(w.close()).toBe(to - from);
    }
    const raw = readFileSync(join(dir, name));
    expect(raw.length).toBe(plain.length);
    expect(raw.includes(Buffer.from('PLAINTEXT-MARKER'))).toBe(false);
    expect((await readAll(staging.reader(name, plain.length))).equals(plain)).toBe(true);
    expect(await staging.hash(name, plain.length)).toBe(createHash('sha256').update(plain).digest('hex'));
    const other = new UploadStaging(dir, randomBytes(32));
    expect(await other.hash(name, plain.length)).not.toBe(createHash('sha256').update(plain).digest('hex'));
  });

  it('the sweep removes only files no upload refers to', () => {
    const keep = staging.newName();
    const orphan = staging.newName();
    for (const n of [keep, orphan]) {
      const w = staging.writer(n, 0);
      w.write(Buffer.from('x'));
      w.close();
    }
    writeFileSync(join(dir, 'not-ours.txt'), 'left alone');
    expect(staging.sweep(new Set([keep]))).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([keep, 'not-ours.txt'].sort());
  });
});
