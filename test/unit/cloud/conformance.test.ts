// The provider conformance check against each kind of real server, and against servers
// that misbehave: one that hides not-found behind a 500, one that answers every LIST wrongly.
import { afterEach, describe, expect, it } from 'vitest';
import { checkConformance } from '../../../main/core/cloud/conformance';
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
