// The upload pipeline's speed-ups keep their promises: the hash workers return the same
// size and hashes as hashing on the main thread (and say plainly when a pack vanished); batched "verified" records all reach the index, at most `maxRecords` at a
// time; and an S3 put given hashes (sent as the signed payload hash and Content-MD5)
// stores the exact bytes, while hashes for another size are ignored, not trusted.
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKeepsakeError } from '../../../common/errors';
import { digestsOf } from '../../../main/core/cloud/hashing';
import { HashPool } from '../../../main/core/cloud/mirror/hash-pool';
import { RecordBatch } from '../../../main/core/cloud/mirror/record-batch';
import { S3Target } from '../../../main/core/cloud/s3-target';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { makeVault, tempDir, type TestVault } from './mirror-helpers';
import { hexName } from './helpers';
import { pseudoRandom } from '../vault/helpers';

describe('HashPool', () => {
  const dir = tempDir('read-hash');
  // Sizes around the edges: empty, tiny (Node's pooled buffers), one byte over 64 KiB, 3 MB.
  const sizes = [0, 1, 4095, 65537, 3_000_000];
  const files = sizes.map((size, i) => {
    const path = join(dir, `f${i}.pack`);
    writeFileSync(path, pseudoRandom(size, i + 1));
    return path;
  });

  it.each([2, 0])('with %i worker threads returns each file\'s size, SHA-256 and MD5', async (threads) => {
    const pool = new HashPool(threads);
    try {
      // All at once, more files than workers: each answer must match its own file.
      const got = await Promise.all([...files, ...files].map((f) => pool.hash(f)));
      got.forEach((d, i) => {
        const want = pseudoRandom(sizes[i % files.length]!, (i % files.length) + 1);
        expect(d).toEqual(digestsOf(want));
        expect(d.sha256).toBe(createHash('sha256').update(want).digest('hex'));
      });
    } finally {
      await pool.close();
    }
  });

  it.each([2, 0])('with %i worker threads and md5: false returns the same SHA-256 and no MD5 (targets without server checksums)', async (threads) => {
    const pool = new HashPool(threads);
    try {
      const got = await Promise.all(files.map((f) => pool.hash(f, { md5: false })));
      got.forEach((d, i) => expect(d).toEqual({ ...digestsOf(pseudoRandom(sizes[i]!, i + 1)), md5: '' }));
    } finally {
      await pool.close();
    }
  });

  it('says a pack disappeared (NOT_FOUND) instead of crashing, then keeps working', async () => {
    const pool = new HashPool(1);
    try {
      const err = await pool.hash(join(dir, 'gone.pack')).catch((e: unknown) => e);
      expect(isKeepsakeError(err) && err.code).toBe('NOT_FOUND');
      expect((err as Error).message).toMatch(/disappeared/);
      expect((await pool.hash(files[1]!)).size).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('refuses reads after close', async () => {
    const pool = new HashPool(1);
    await pool.close();
    await expect(pool.hash(files[0]!)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('RecordBatch', () => {
  let tv: TestVault;
  beforeAll(async () => {
    tv = await makeVault([]);
  });
  afterAll(() => tv.close());

  it('writes at most maxRecords at a time, and everything on flush', async () => {
    const id = tv.store.add({ kind: 'folder', path: tempDir('rb-target') }, {}).id;
    const batch = new RecordBatch(tv.store, id, { maxRecords: 3, maxAgeMs: 60_000 });
    const rec = (i: number) => ({ name: hexName(i), kind: 'pack' as const, logical: `p${i}`, size: i, sha256: 'ab'.repeat(32) });
    await batch.add(rec(1));
    await batch.add(rec(2));
    expect(tv.store.objects(id).size).toBe(0);
    await batch.add(rec(3));
    expect(tv.store.objects(id).size).toBe(3);
    await batch.add(rec(4));
    expect(batch.waiting).toBe(1);
    await batch.flush();
    expect([...tv.store.objects(id).keys()].sort()).toEqual([1, 2, 3, 4].map((i) => hexName(i)).sort());
    expect(tv.store.objects(id).get(hexName(4))?.size).toBe(4);
  });

  it('flushes a batch whose oldest record is older than maxAgeMs', async () => {
    const id = tv.store.add({ kind: 'folder', path: tempDir('rb-target') }, {}).id;
    let now = 1_000;
    const batch = new RecordBatch(tv.store, id, { maxRecords: 100, maxAgeMs: 500, now: () => now });
    await batch.add({ name: hexName(1), kind: 'segment', logical: 's1', size: 1, sha256: 'cd'.repeat(32) });
    now += 499;
    await batch.add({ name: hexName(2), kind: 'segment', logical: 's2', size: 2, sha256: 'cd'.repeat(32) });
    expect(tv.store.objects(id).size).toBe(0);
    now += 1;
    await batch.add({ name: hexName(3), kind: 'segment', logical: 's3', size: 3, sha256: 'cd'.repeat(32) });
    expect(tv.store.objects(id).size).toBe(3);
  });
});

describe('S3Target.put with known hashes', () => {
  let server: S3TestServer;
  let target: S3Target;
  beforeAll(async () => {
    server = await startS3Server();
    target = new S3Target({ endpoint: server.endpoint, bucket: server.bucket, pathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
  });
  afterAll(async () => {
    await target.close();
    await server.close();
  });

  it('stores the object and returns the given hashes and the server MD5 ETag', async () => {
    const data = pseudoRandom(200_000, 7);
    const d = digestsOf(data);
    const put = await target.put(hexName(1, 'k'), data, data.length, undefined, d);
    expect(put).toMatchObject({ size: data.length, sha256: d.sha256, md5: d.md5, etag: d.md5 });
    expect((await target.get(hexName(1, 'k'))).equals(data)).toBe(true);
  });

  it('streams a file whose hashes are given, sending those hashes', async () => {
    const dir2 = tempDir('s3-stream');
    const path = join(dir2, 'p.pack');
    const data = pseudoRandom(300_000, 9);
    writeFileSync(path, data);
    const d = digestsOf(data);
    const put = await target.put(hexName(3, 'k'), () => createReadStream(path), data.length, undefined, d);
    expect(put).toMatchObject({ size: data.length, sha256: d.sha256, etag: d.md5 });
    expect((await target.get(hexName(3, 'k'))).equals(data)).toBe(true);
  });

  it('hashes for itself when the given hashes are for another size', async () => {
    const data = pseudoRandom(1000, 8);
    const put = await target.put(hexName(2, 'k'), data, data.length, undefined, { size: 5, sha256: '00'.repeat(32), md5: '00'.repeat(16) });
    expect(put.sha256).toBe(digestsOf(data).sha256);
    expect(put.etag).toBe(digestsOf(data).md5);
  });
});
