// @vitest-environment happy-dom
// The photo grid (and the map) reload when items were erased or added: useLibraryChanged
// fires once for each erase, retention run or import that finishes — however it ended —
// and never for running jobs, other kinds, or the same job's repeated events.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobInfo } from '../../../common/contract/jobs';

const bus = vi.hoisted(() => ({ listeners: new Set<(job: unknown) => void>() }));

// The transport's event stream, in memory (the browser's EventSource is not what is tested).
vi.mock('../../../renderer/api/client', () => ({
  api: {
    on: (name: string, listener: (job: unknown) => void) => {
      if (name !== 'job.progressed') throw new Error(`unexpected event ${name}`);
      bus.listeners.add(listener);
      return () => bus.listeners.delete(listener);
    },
  },
}));

const { useLibraryChanged } = await import('../../../renderer/library/use-library-changed');

function job(over: Partial<JobInfo>): JobInfo {
  return { id: 'job-1', kind: 'erase', title: 'Erase', state: 'running', phase: '', done: 0, total: 1, bytesDone: 0, bytesTotal: null, etaSeconds: null, startedAt: 1, finishedAt: null, canPause: false, error: null, summary: null, ...over };
}

let calls: number;
let root: Root;
function Probe() {
  useLibraryChanged(() => calls++);
  return null;
}
const emit = (j: JobInfo) => act(async () => bus.listeners.forEach((l) => l(j)));

beforeEach(async () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  calls = 0;
  bus.listeners.clear();
  root = createRoot(document.createElement('div'));
  await act(async () => root.render(createElement(Probe)));
});
afterEach(async () => {
  await act(async () => root.unmount());
});

describe('useLibraryChanged', () => {
  it('fires when an erase finishes, once per job', async () => {
    await emit(job({ state: 'running' }));
    expect(calls).toBe(0);
    await emit(job({ state: 'succeeded', finishedAt: 2 }));
    expect(calls).toBe(1);
    await emit(job({ state: 'succeeded', finishedAt: 2 })); // the same end, told twice
    expect(calls).toBe(1);
  });

  it('fires for imports and retention runs, and for failed or cancelled ones (some items may have changed)', async () => {
    await emit(job({ id: 'a', kind: 'import', state: 'succeeded' }));
    await emit(job({ id: 'b', kind: 'retention', state: 'failed' }));
    await emit(job({ id: 'c', kind: 'erase', state: 'cancelled' }));
    expect(calls).toBe(3);
  });

  it('ignores jobs that do not change items', async () => {
    for (const kind of ['cloud.sync', 'vault.check', 'recovery', 'cloud.restoreVault']) await emit(job({ id: kind, kind, state: 'succeeded' }));
    await emit(job({ id: 'p', kind: 'erase', state: 'paused' }));
    expect(calls).toBe(0);
  });

  it('stops listening when the screen goes away', async () => {
    await act(async () => root.unmount());
    expect(bus.listeners.size).toBe(0);
    root = createRoot(document.createElement('div')); // for afterEach
  });
});
