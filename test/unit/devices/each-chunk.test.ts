// eachChunk (sync-service.ts): a request body read with 'data' events instead of an async
// iterator must behave like for-await — every chunk in order, a throwing callback stops
// reading and destroys the body, and an error or a close before the end rejects.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eachChunk } from '../../../main/core/devices/sync-service';

const chunks = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => Buffer.from([i]));

describe('eachChunk', () => {
  it('hands over every chunk in order, from a stream and from a plain async iterable', async () => {
    const seen: number[] = [];
    await eachChunk(Readable.from(chunks(50)), (c) => seen.push(c[0] as number));
    const gen = async function* () {
      yield* chunks(5);
    };
    await eachChunk(gen(), (c) => seen.push(c[0] as number));
    expect(seen).toEqual([...Array.from({ length: 50 }, (_, i) => i), 0, 1, 2, 3, 4]);
  });

  it('a throwing callback rejects with its error, stops reading and destroys the body', async () => {
    const body = new PassThrough();
    const seen: number[] = [];
    const done = eachChunk(body, (c) => {
      if (c[0] === 2) throw new Error('too many bytes');
      seen.push(c[0] as number);
    });
    for (const c of chunks(5)) body.write(c);
    await expect(done).rejects.toThrow('too many bytes');
    expect(seen).toEqual([0, 1]);
    expect(body.destroyed).toBe(true);
  });

  it('a body that errors, or closes before its end (a cut connection), rejects', async () => {
    const broken = new PassThrough();
    const a = eachChunk(broken, () => undefined);
    broken.write(Buffer.from([1]));
    broken.destroy(new Error('ECONNRESET'));
    await expect(a).rejects.toThrow('ECONNRESET');
    const cut = new PassThrough();
    const b = eachChunk(cut, () => undefined);
    cut.write(Buffer.from([1]));
    cut.destroy();
    await expect(b).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });
});
