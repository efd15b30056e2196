// @vitest-environment happy-dom
// The erase dialog once waited forever when the erase finished before the dialog had
// subscribed to job events. useFollowedJob must see a job's end however it learns it:
// an event, the catch-up read right after subscribing, or the slow poll — and a late,
// older answer must never turn a finished job back into a running one.
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobInfo } from '../../../common/contract/jobs';

const server = vi.hoisted(() => ({ jobs: [] as unknown[], listeners: new Set<(job: unknown) => void>(), listCalls: 0 }));

// A stand-in for the transport (the browser's fetch to the web host is not what is tested here).
vi.mock('../../../renderer/api/client', () => ({
  api: {
    call: (method: string) => {
      if (method !== 'jobs.list') throw new Error(`unexpected call ${method}`);
      server.listCalls++;
      return Promise.resolve(server.jobs);
    },
    on: (_name: string, listener: (job: unknown) => void) => {
      server.listeners.add(listener);
      return () => server.listeners.delete(listener);
    },
  },
}));

const { useFollowedJob } = await import('../../../renderer/api/use-followed-job');

function job(over: Partial<JobInfo>): JobInfo {
  return { id: 'job-abc123', kind: 'erase', title: 'Erase', state: 'running', phase: 'Destroying the items’ keys', done: 0, total: 4, bytesDone: 0, bytesTotal: null, etaSeconds: null, startedAt: 1, finishedAt: null, canPause: false, error: null, summary: null, ...over };
}

let seen: Array<JobInfo | null>;
function Probe({ started }: { started: JobInfo | null }) {
  seen.push(useFollowedJob(started));
  return null;
}

async function render(started: JobInfo | null): Promise<void> {
  const root = createRoot(document.createElement('div'));
  await act(async () => root.render(createElement(Probe, { started })));
  await act(async () => new Promise((r) => setTimeout(r, 0)));
}

beforeEach(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  seen = [];
  server.jobs = [];
  server.listeners.clear();
  server.listCalls = 0;
});
afterEach(() => vi.useRealTimers());

describe('useFollowedJob', () => {
  it('sees a job that finished before anyone subscribed (no event will ever come)', async () => {
    server.jobs = [job({ state: 'succeeded', finishedAt: 2, phase: 'Writing the receipt' })];
    await render(job({}));
    expect(seen.at(-1)?.finishedAt).toBe(2);
    expect(seen.at(-1)?.state).toBe('succeeded');
  });

  it('follows events, and a stale running answer after the end does not undo it', async () => {
    server.jobs = [job({ phase: 'Finding every copy' })];
    await render(job({}));
    await act(async () => server.listeners.forEach((l) => l(job({ state: 'succeeded', finishedAt: 3 }))));
    expect(seen.at(-1)?.state).toBe('succeeded');
    await act(async () => server.listeners.forEach((l) => l(job({ phase: 'late running event' }))));
    expect(seen.at(-1)?.state).toBe('succeeded');
  });

  it('keeps polling while the job runs and the event stream is silent', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    server.jobs = [job({})];
    await render(job({}));
    const callsAfterMount = server.listCalls;
    server.jobs = [job({ state: 'failed', finishedAt: 9, error: { code: 'IO', message: 'disk full' } })];
    await act(async () => vi.advanceTimersByTime(2000));
    await act(async () => new Promise((r) => setTimeout(r, 0)));
    expect(server.listCalls).toBeGreaterThan(callsAfterMount);
    expect(seen.at(-1)?.state).toBe('failed');
    const callsAtEnd = server.listCalls;
    await act(async () => vi.advanceTimersByTime(10_000));
    expect(server.listCalls).toBe(callsAtEnd); // the poll stops once the end is known
  });

  it('follows nothing when there is no job', async () => {
    await render(null);
    expect(seen.at(-1)).toBeNull();
    expect(server.listCalls).toBe(0);
  });
});
