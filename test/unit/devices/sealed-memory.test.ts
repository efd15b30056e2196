// Worker memory let go at once (freeNow in seal-pool.ts): the sealed chunks the seal workers
// send, and this thread's copy of an upload posted to them, are freed when nothing reads
// them any more instead of at V8's next full GC (they drove 15-23 full GCs per 214 MB
// synced). These tests pin what that must never break: the caller's bytes stay intact,
// every stored file reads back bit for bit across pack rollovers, and freeNow frees only
// what it was given. Real vault in a temp folder, real seal workers.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestItem } from '../../../main/core/devices/sink';
import { VaultIngestSink } from '../../../main/core/devices/vault-sink';
import { HashWorker } from '../../../main/core/devices/hash-worker';
import { freeNow } from '../../../main/core/vault/seal-pool';
import { quietLog, removeAll, startDesktop, type Desktop } from './support/harness';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const photo = (key: string, data: Buffer): IngestItem => ({
  deviceId: 'phone-1',
  sourceKey: key,
  category: 'photo',
  occurredAt: 1_700_000_000_000,
  title: key,
  fields: {},
  file: { name: key, mime: 'image/jpeg', size: data.length, sha256: sha(data), open: () => Readable.from([data]), data },
});

async function readAll(r: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p as Buffer);
  return Buffer.concat(parts);
}

let desktop: Desktop | null = null;
afterEach(async () => {
  await desktop?.close();
  if (desktop) removeAll(desktop.dir);
  desktop = null;
});

describe('freeNow', () => {
  it('detaches the buffer and frees its memory at once', () => {
    const b = Buffer.allocUnsafeSlow(16 * MiB).fill(7);
    const before = process.memoryUsage().arrayBuffers;
    freeNow(b.buffer);
    expect(b.buffer.byteLength).toBe(0);
    expect(b.length).toBe(0);
    expect(before - process.memoryUsage().arrayBuffers).toBeGreaterThanOrEqual(16 * MiB);
  });

  it('leaves shared memory and an already detached buffer alone', () => {
    const shared = new SharedArrayBuffer(64);
    new Uint8Array(shared).fill(3);
    freeNow(shared);
    expect(new Uint8Array(shared)[63]).toBe(3);
    const b = new ArrayBuffer(32);
    freeNow(b);
    expect(() => freeNow(b)).not.toThrow();
  });
});

describe('vault puts with worker memory freed', () => {
  it('stores every file bit for bit across pack rollovers and leaves the callers’ buffers intact', async () => {
    desktop = await startDesktop();
    const { vault } = desktop;
    const sink = new VaultIngestSink(vault, quietLog);
    // 5 + 7 + 9 MiB in ordinary memory and 6 MiB in shared memory (a held upload): several
    // chunks each, more than one 16 MiB pack, two files sealed at once
    const files: Array<{ key: string; data: Buffer }> = [5, 7, 9].map((n, i) => ({ key: `big-${i}.jpg`, data: randomBytes(n * MiB) }));
    const held = HashWorker.alloc(6 * MiB);
    randomBytes(6 * MiB).copy(held);
    files.push({ key: 'held.jpg', data: held });
    const sums = files.map((f) => sha(f.data));
    const out = await sink.putItems(files.map((f) => photo(f.key, f.data)));
    expect(out.map((r) => r.status)).toEqual(files.map(() => 'stored'));
    // the callers' bytes were copied or shared, never detached or freed
    expect(files.map((f) => sha(f.data))).toEqual(sums);
    for (const [i, r] of out.entries()) expect(sha(await readAll(vault.readFile(r.vaultItemId!)))).toBe(sums[i]);
    // a second put of the same bytes into the same process: nothing stale was reused
    const again = await sink.putItems([photo('copy.jpg', Buffer.from(files[1]!.data))]);
    expect(sha(await readAll(vault.readFile(again[0]!.vaultItemId!)))).toBe(sums[1]);
  }, 60_000);
});
