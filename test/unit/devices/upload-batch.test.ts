// Upload batches (feature 'upload-batch/1', docs/protocol.md §3.3.1) and the commit's
// content check, on a real gateway on loopback: the agent sends small files several to a
// request and everything lands bit-identical; an agent that never batches is still
// served; a file refused in its slot does not stop the others; malformed batches get a
// plain answer; and bytes that do not match the manifest's SHA-256 are refused at the
// commit whether the file was held in memory (hashed on the worker, or here when small)
// or staged on disk.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeepsakeAgent } from '../../../agent/src/agent';
import { PinnedClient, parseJson, type Response } from '../../../agent/src/pinned-client';
import { ALPN_SYNC, encodeBatchHead, FEATURES, PATHS, type CommitResponse, type HelloResponse, type ManifestResponse, type UploadBatchResponse } from '../../../main/core/devices/wire';
import { cuttingProxy } from './support/cutting-proxy';
import { pairedAgent, removeAll, startDesktop, tempDir, type Desktop } from './support/harness';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function phoneWith(sizes: number[]): { phone: string; ids: string[] } {
  const phone = tempDir('keepsake-phone-');
  mkdirSync(join(phone, 'Pictures', 'Screenshots'), { recursive: true });
  const ids = sizes.map((size, i) => {
    const id = `Pictures/Screenshots/Screenshot_${String(i).padStart(4, '0')}.png`;
    writeFileSync(join(phone, id), randomBytes(size));
    return id;
  });
  return { phone, ids };
}

async function vaultHashes(desktop: Desktop, deviceId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of desktop.vault.listItems({ deviceId, limit: 1000 })) {
    const h = createHash('sha256');
    for await (const c of desktop.vault.readFile(s.id)) h.update(c as Buffer);
    const digest = h.digest('hex');
    for (const src of desktop.vault.getItem(s.id)?.sources ?? []) out.set(src.sourceKey, digest);
  }
  return out;
}

async function expectStoredExactly(desktop: Desktop, agent: KeepsakeAgent, phone: string, ids: string[]): Promise<void> {
  const stored = await vaultHashes(desktop, agent.state.state.desktop?.deviceId ?? '');
  for (const id of ids) expect(stored.get(id), id).toBe(sha(readFileSync(join(phone, id))));
}

/** A client speaking the protocol by hand, with the paired agent's pinned identity. */
const clients: PinnedClient[] = [];
function rawClient(agent: KeepsakeAgent): PinnedClient {
  const { desktop, identity } = agent.state.state;
  if (!desktop || !identity) throw new Error('not paired');
  const c = new PinnedClient(desktop, identity, ALPN_SYNC, { maxSockets: 1 });
  clients.push(c);
  return c;
}

const entry = (id: string, bytes: Buffer, hash = sha(bytes)) => ({ id, category: 'screenshot' as const, hash, size: bytes.length, modified: 1_700_000_000_000, name: id.split('/').pop() ?? id });

function batchBody(files: Array<{ id: string; data: Buffer }>): Buffer {
  return Buffer.concat([Buffer.from(encodeBatchHead({ items: files.map((f) => ({ id: f.id, size: f.data.length })) })), ...files.map((f) => f.data)]);
}

const postBatch = (c: PinnedClient, body: Buffer): Promise<Response> => c.send('POST', PATHS.uploadBatch, { body, headers: { 'content-type': 'application/octet-stream' } });

describe('upload batches', () => {
  let desktop: Desktop | null = null;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await desktop?.close();
    if (desktop) removeAll(desktop.dir);
    desktop = null;
  });

  it('the desktop lists the feature; the agent sends small files several to a request and every file is stored bit-identical', async () => {
    desktop = await startDesktop();
    const sizes = [...Array.from({ length: 40 }, (_, i) => 30_000 + i * 7919), 3 * 1024 * 1024, 0, 900_000];
    const { phone, ids } = phoneWith(sizes);
    const agent = await pairedAgent(desktop, phone);
    expect((await agent.hello()).features).toContain(FEATURES.uploadBatch);
    const s = await agent.sync({ batchBytes: 1024 * 1024 });
    expect(s.notAcked).toEqual([]);
    expect(s.acked).toBe(ids.length);
    expect(s.uploadedBytes).toBe(sizes.reduce((a, b) => a + b, 0));
    // 42 files with bytes, ≤ 1 MiB per batch: far fewer requests than files, more than one batch.
    expect(s.uploadRequests).toBeGreaterThan(2);
    expect(s.uploadRequests).toBeLessThan(15);
    await expectStoredExactly(desktop, agent, phone, ids);
    expect(desktop.devices.sync.heldStats.bytes).toBe(0);
  });

  it('a batch cut mid-way keeps every file that arrived (whole or in part); the next sync sends only the rest', async () => {
    desktop = await startDesktop();
    const sizes = Array.from({ length: 24 }, (_, i) => 150_000 + i * 10_007);
    const total = sizes.reduce((a, b) => a + b, 0);
    const { phone, ids } = phoneWith(sizes);
    const agent = await pairedAgent(desktop, phone);
    const pinned = agent.state.state.desktop;
    if (!pinned) throw new Error('not paired');
    const proxy = await cuttingProxy(desktop.port, 2_000_000); // inside the first 8 MiB batch
    pinned.port = proxy.port;
    await expect(agent.sync({ retries: 0 })).rejects.toMatchObject({ code: 'NETWORK' });
    await proxy.close();
    pinned.port = desktop.port;
    while (desktop.devices.sync.uploadsInFlight > 0) await new Promise((r) => setTimeout(r, 20));
    const c = rawClient(agent);
    const before = await Promise.all(ids.map(async (id) => (await c.json<{ received: number }>('GET', `${PATHS.upload}${encodeURIComponent(id)}`)).received));
    const kept = before.reduce((a, b) => a + b, 0);
    expect(kept).toBeGreaterThan(1_000_000); // most of what crossed before the cut was kept
    expect(before.filter((n, i) => n === sizes[i]).length).toBeGreaterThan(3); // several whole files among them
    const s = await agent.sync();
    expect(s.acked).toBe(ids.length);
    expect(s.uploadedBytes).toBe(total - kept);
    await expectStoredExactly(desktop, agent, phone, ids);
  });

  it('an agent that never batches (as before the feature) is served the same', async () => {
    desktop = await startDesktop();
    const { phone, ids } = phoneWith([20_000, 40_000, 60_000, 1]);
    const agent = await pairedAgent(desktop, phone);
    const s = await agent.sync({ batchFileBytes: 0 });
    expect(s.acked).toBe(ids.length);
    expect(s.uploadRequests).toBe(ids.length);
    await expectStoredExactly(desktop, agent, phone, ids);
  });

  it('a file refused in its slot does not stop the others; its bytes are skipped', async () => {
    desktop = await startDesktop();
    const { phone } = phoneWith([]);
    const agent = await pairedAgent(desktop, phone);
    const c = rawClient(agent);
    const a = randomBytes(70_000);
    const b = randomBytes(50_000);
    const stranger = randomBytes(10_000);
    const m = await c.json<ManifestResponse>('POST', PATHS.manifest, { items: [entry('a.png', a), entry('b.png', b)], removed: [] });
    expect(m.need.map((n) => n.id).sort()).toEqual(['a.png', 'b.png']);
    const res = parseJson<UploadBatchResponse>(await postBatch(c, batchBody([{ id: 'a.png', data: a }, { id: 'never-offered.png', data: stranger }, { id: 'b.png', data: b }])));
    expect(res.results).toEqual([
      { id: 'a.png', received: a.length, size: a.length },
      { id: 'never-offered.png', error: { code: 'NOT_FOUND', message: expect.stringMatching(/manifest/) } },
      { id: 'b.png', received: b.length, size: b.length },
    ]);
    const commit = await c.json<CommitResponse>('POST', PATHS.commit, { ids: ['a.png', 'b.png'] });
    expect(commit.results.map((r) => r.status)).toEqual(['stored', 'stored']);
    const stored = await vaultHashes(desktop, agent.state.state.desktop?.deviceId ?? '');
    expect(stored.get('a.png')).toBe(sha(a));
    expect(stored.get('b.png')).toBe(sha(b));
  });

  it('malformed batches get a plain refusal and nothing is received', async () => {
    desktop = await startDesktop();
    const { phone } = phoneWith([]);
    const agent = await pairedAgent(desktop, phone);
    const hello = await agent.hello();
    const c = rawClient(agent);
    const a = randomBytes(5_000);
    await c.json('POST', PATHS.manifest, { items: [entry('a.png', a)], removed: [] });
    const refused = async (res: Promise<Response>, status: number, message: RegExp): Promise<void> => {
      const r = await res;
      expect(r.status).toBe(status);
      expect(() => parseJson(r)).toThrow(message);
    };
    const garbage = Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('{nope'), a]);
    await refused(postBatch(rawClient(agent), garbage), 400, /not valid JSON/);
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    await refused(postBatch(rawClient(agent), huge), 400, /directory is larger/);
    // The directory says 5,000 bytes follow; the body carries 4,000 more than that.
    const lying = Buffer.concat([batchBody([{ id: 'a.png', data: a }]), randomBytes(4_000)]);
    await refused(postBatch(rawClient(agent), lying), 400, /Content-Length does not match/);
    const twice = batchBody([{ id: 'a.png', data: a }, { id: 'a.png', data: a }]);
    await refused(postBatch(rawClient(agent), twice), 400, /same file twice/);
    // Files adding up to more than one range may carry: refused from the directory alone.
    const half = Math.ceil(hello.limits.rangeBody / 2) + 1;
    const tooBig = Buffer.from(encodeBatchHead({ items: [{ id: 'a.png', size: half }, { id: 'b.png', size: half }] }));
    await refused(postBatch(rawClient(agent), tooBig), 413, /too large/);
    const status = await c.json<{ received: number }>('GET', `${PATHS.upload}a.png`);
    expect(status.received).toBe(0);
  });

  it.each([
    ['held in memory (hashed on the worker)', undefined, 1_000_000],
    ['held in memory, small (hashed here: cheaper than the post to the worker)', undefined, 300_000],
    ['staged on disk (hashed as it arrives)', 0, 300_000],
  ] as const)('bytes that do not match the manifest are refused at the commit: %s', async (_label, heldBytes, size) => {
    desktop = await startDesktop(heldBytes === undefined ? {} : { heldBytes });
    const { phone } = phoneWith([]);
    const agent = await pairedAgent(desktop, phone);
    const c = rawClient(agent);
    const right = randomBytes(size);
    const wrong = Buffer.from(right);
    wrong[123_456] = (wrong[123_456] ?? 0) ^ 1; // one bit flipped in transit
    await c.json('POST', PATHS.manifest, { items: [entry('shot.png', right)], removed: [] });
    const put = (body: Buffer) =>
      c.send('PUT', `${PATHS.upload}shot.png`, { body, headers: { 'content-range': `bytes 0-${body.length - 1}/${body.length}` } });
    expect(parseJson<{ received: number }>(await put(wrong)).received).toBe(right.length);
    const bad = await c.json<CommitResponse>('POST', PATHS.commit, { ids: ['shot.png'] });
    expect(bad.results).toEqual([{ id: 'shot.png', status: 'failed', message: expect.stringMatching(/does not match the hash/) }]);
    expect(desktop.vault.listItems({ deviceId: agent.state.state.desktop?.deviceId ?? '', limit: 10 })).toEqual([]);
    // The upload starts over, and the right bytes are then stored.
    expect((await c.json<{ received: number }>('GET', `${PATHS.upload}shot.png`)).received).toBe(0);
    expect(parseJson<{ received: number }>(await put(right)).received).toBe(right.length);
    const good = await c.json<CommitResponse>('POST', PATHS.commit, { ids: ['shot.png'] });
    expect(good.results).toEqual([{ id: 'shot.png', status: 'stored' }]);
    expect((await vaultHashes(desktop, agent.state.state.desktop?.deviceId ?? '')).get('shot.png')).toBe(sha(right));
  });

  it('a hello without features (a desktop from before batches) keeps the agent on one request per file', async () => {
    desktop = await startDesktop();
    const { phone, ids } = phoneWith([10_000, 20_000, 30_000]);
    const agent = await pairedAgent(desktop, phone);
    // The old desktop's hello, as it was: no `features`.
    const sync = desktop.devices.sync;
    const hello = await agent.hello();
    expect(hello.features).toBeDefined();
    const original = PinnedClient.prototype.json;
    PinnedClient.prototype.json = async function <T>(this: PinnedClient, method: string, path: string, json?: unknown): Promise<T> {
      const r = await original.call(this, method, path, json);
      if (path === PATHS.hello) delete (r as Partial<HelloResponse>).features;
      return r as T;
    };
    try {
      const s = await agent.sync();
      expect(s.acked).toBe(ids.length);
      expect(s.uploadRequests).toBe(ids.length);
    } finally {
      PinnedClient.prototype.json = original;
    }
    expect(sync.heldStats.bytes).toBe(0);
    await expectStoredExactly(desktop, agent, phone, ids);
  });
});
