// The gateway's hash worker [Note: Hash worker] and the upload batch body reader: digests
// made on the worker equal node:crypto's on this thread, for shared and ordinary buffers,
// and still come out right after the worker is closed (or dies) with digests waiting;
// the reader cuts a body into exact pieces across any chunk boundaries.
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HashWorker } from '../../../main/core/devices/hash-worker';
import { BodyReader } from '../../../main/core/devices/upload-batch';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function sharedCopy(b: Buffer): Buffer {
  const s = HashWorker.alloc(b.length);
  b.copy(s);
  return s;
}

describe('HashWorker', () => {
  const workers: HashWorker[] = [];
  afterEach(() => {
    for (const w of workers.splice(0)) w.close();
  });
  const make = (): HashWorker => {
    const w = new HashWorker();
    workers.push(w);
    return w;
  };

  it('alloc() gives zeroed memory shared with the worker', () => {
    const b = HashWorker.alloc(100_000);
    expect(b.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(b.every((x) => x === 0)).toBe(true);
  });

  it('digests on the worker equal node:crypto, many at once, for slices at any offset', async () => {
    const w = make();
    const files = [0, 1, 65_535, 65_536, 1_000_003, 3 * 1024 * 1024].map((n) => randomBytes(n));
    const shared = files.map(sharedCopy);
    const sliced = sharedCopy(randomBytes(500_000)).subarray(12_345, 400_000);
    const got = await Promise.all([...shared.map((b) => w.digest(b)), w.digest(sliced), ...files.map((b) => w.digest(b))]);
    expect(got).toEqual([...files.map(sha), sha(Buffer.from(sliced)), ...files.map(sha)]);
  });

  it('digests still waiting when the worker is closed are finished here, and later ones too', async () => {
    const w = make();
    const files = Array.from({ length: 12 }, () => sharedCopy(randomBytes(2 * 1024 * 1024)));
    const pending = files.map((b) => w.digest(b));
    w.close();
    expect(await Promise.all(pending)).toEqual(files.map(sha));
    const later = sharedCopy(randomBytes(300_000));
    expect(await w.digest(later)).toBe(sha(later));
  });

  it('a worker that dies hands its waiting digests back to this thread', async () => {
    const w = make();
    const first = sharedCopy(randomBytes(1_000_000));
    expect(await w.digest(first)).toBe(sha(first)); // the worker is running
    const inner = (w as unknown as { worker: { terminate(): Promise<number> } | null }).worker;
    expect(inner).not.toBeNull();
    const files = Array.from({ length: 6 }, () => sharedCopy(randomBytes(4 * 1024 * 1024)));
    const pending = files.map((b) => w.digest(b));
    await inner?.terminate(); // as if the thread crashed: its 'exit' fires
    expect(await Promise.all(pending)).toEqual(files.map(sha));
    expect((w as unknown as { inline: boolean }).inline).toBe(true); // the exit was seen: this thread hashes from now on
  });
});

async function* chunks(data: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c > at && c < data.length) {
      yield data.subarray(at, c);
      at = c;
    }
  }
  if (at < data.length) yield data.subarray(at);
}

describe('BodyReader', () => {
  it('reads, takes and skips exact pieces whatever the chunk boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 30 }), async (sizes, cuts) => {
        const parts = sizes.map((n) => randomBytes(n));
        const body = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('abc'), ...parts]);
        const r = new BodyReader(chunks(body, cuts));
        expect((await r.read(4)).readUInt32BE(0)).toBe(3);
        expect((await r.read(3)).toString()).toBe('abc');
        for (const [i, p] of parts.entries()) {
          const end = r.position + p.length;
          if (i % 2 === 0) {
            const got: Buffer[] = [];
            for await (const piece of r.take(p.length)) got.push(piece);
            expect(Buffer.concat(got).equals(p)).toBe(true);
          } else {
            // Stop after the first piece, then skip the rest, as a refused file is.
            for await (const piece of r.take(p.length)) {
              expect(p.subarray(0, piece.length).equals(piece)).toBe(true);
              break;
            }
            await r.skipTo(end);
          }
          expect(r.position).toBe(end);
        }
        expect(r.position).toBe(body.length);
      }),
      { numRuns: 200 },
    );
  });

  it('a body that ends early gives what arrived and then an error for an exact read', async () => {
    const r = new BodyReader(chunks(Buffer.from('0123456789'), [3, 7]));
    const got: Buffer[] = [];
    for await (const piece of r.take(6)) got.push(piece);
    expect(Buffer.concat(got).toString()).toBe('012345');
    await expect(r.read(10)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/ended before/) });
    expect(r.ended).toBe(true);
  });
});
