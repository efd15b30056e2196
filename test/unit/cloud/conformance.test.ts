// The provider conformance check against each kind of real server, and against servers
// that misbehave: one that hides not-found behind a 500, one that answers every LIST wrongly,
// ones that show readers a half-replaced object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConformance } from '../../../main/core/cloud/conformance';
import { FolderTarget } from '../../../main/core/cloud/folder-target';
import type { Body, PutResult, Range } from '../../../main/core/cloud/target';
import { ALL_KINDS, startRig, type TargetRig } from './helpers';

let rig: TargetRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe.each(ALL_KINDS)('conformance: %s', (kind) => {
  it('passes on a well-behaved server and reports each check in words', async () => {
    rig = await startRig(kind);
    const report = await checkConformance(rig.target, { atomicBytes: 512 * 1024 });
    expect(report.checks.filter((c) => c.level === 'error')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(['reach', 'not-found', 'write-read', 'range', 'atomic-put', 'list', 'delete', 'versioning', 'object-lock', ...(kind === 's3' ? ['multipart-cleanup'] : [])]);
    for (const c of report.checks) expect(c.message.length).toBeGreaterThan(10);
    expect(await rig.target.list()).toEqual([]);
  });
});

it('fails a server that reports missing objects as server errors', async () => {
  rig = await startRig('s3', { proxy: { seed: 1, toxicity: 1, faults: ['error-500'], match: ({ method, url }) => (method === 'HEAD' || method === 'GET') && /\/[0-9a-f]{64}$/.test(url) } });
  const report = await checkConformance(rig.target);
  expect(report.ok).toBe(false);
  expect(report.checks.find((c) => c.id === 'not-found')?.level).toBe('error');
});

it('reports an unreachable target plainly', async () => {
  rig = await startRig('s3');
  await rig.close();
  const report = await checkConformance(rig.reopen());
  rig = null;
  expect(report.ok).toBe(false);
  expect(report.checks[0]).toMatchObject({ id: 'reach', level: 'error' });
  expect(report.checks[0]?.message).toMatch(/Could not use S3 bucket/);
});

describe('atomic replace: what a reader sees while an object is being replaced', () => {
  // A real folder target whose reads, while a replacement is in flight, return what a
  // non-atomic server would: the first part of the new object (s3rver truncates and
  // rewrites in place), or old and new bytes in one body (a truly half-written object).
  class NonAtomicFolder extends FolderTarget {
    private replacing: { old: Buffer; next: Buffer } | null = null;
    constructor(
      root: string,
      private readonly seen: 'new-prefix' | 'old-and-new',
    ) {
      super(root);
    }
    override async put(name: string, body: Body, size: number, signal?: AbortSignal): Promise<PutResult> {
      const old = await super.get(name).catch(() => null);
      if (old && Buffer.isBuffer(body)) this.replacing = { old, next: body };
      try {
        await new Promise((r) => setTimeout(r, 50));
        return await super.put(name, body, size, signal);
      } finally {
        this.replacing = null;
      }
    }
    override async get(name: string, range?: Range): Promise<Buffer> {
      const r = this.replacing;
      if (!r || range) return super.get(name, range);
      const half = r.next.length >> 1;
      return this.seen === 'new-prefix' ? r.next.subarray(0, half) : Buffer.concat([r.next.subarray(0, half), r.old.subarray(half)]);
    }
  }

  it.each([
    ['new-prefix', 'warning'],
    ['old-and-new', 'error'],
  ] as const)('a reader that gets %s is a %s', async (seen, level) => {
    const root = mkdtempSync(join(tmpdir(), 'keepsake-nonatomic-'));
    try {
      const report = await checkConformance(new NonAtomicFolder(root, seen), { atomicBytes: 64 * 1024 });
      expect(report.checks.find((c) => c.id === 'atomic-put')?.level).toBe(level);
      expect(report.ok).toBe(level !== 'error');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
