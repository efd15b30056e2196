// @vitest-environment happy-dom
// Screens showing items reload on core's `library.changed` (sent after imports, phone
// syncs, edits and erasures): useLibraryChanged calls the latest callback for each event
// and stops listening when the screen goes away.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const bus = vi.hoisted(() => ({ listeners: new Set<() => void>() }));

// The transport's event stream, in memory (the browser's fetch stream is not what is tested).
vi.mock('../../../renderer/api/client', () => ({
  api: {
    on: (name: string, listener: () => void) => {
      if (name !== 'library.changed') throw new Error(`unexpected event ${name}`);
      bus.listeners.add(listener);
      return () => bus.listeners.delete(listener);
    },
  },
}));

const { useLibraryChanged } = await import('../../../renderer/library/use-library-changed');

let calls: string[];
let root: Root;
function Probe({ label }: { label: string }) {
  useLibraryChanged(() => calls.push(label));
  return null;
}
const emit = () => act(async () => bus.listeners.forEach((l) => l()));

beforeEach(async () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  calls = [];
  bus.listeners.clear();
  root = createRoot(document.createElement('div'));
  await act(async () => root.render(createElement(Probe, { label: 'first' })));
});
afterEach(async () => {
  await act(async () => root.unmount());
});

describe('useLibraryChanged', () => {
  it('calls back once per event, with the latest callback, on one subscription', async () => {
    await emit();
    await act(async () => root.render(createElement(Probe, { label: 'second' })));
    await emit();
    expect(calls).toEqual(['first', 'second']);
    expect(bus.listeners.size).toBe(1);
  });

  it('stops listening when the screen goes away', async () => {
    await act(async () => root.unmount());
    expect(bus.listeners.size).toBe(0);
    root = createRoot(document.createElement('div')); // for afterEach
  });
});

describe('useLibraryChanged with a minimum interval', () => {
  function Throttled({ label }: { label: string }) {
    useLibraryChanged(() => calls.push(label), 1000);
    return null;
  }

  it('calls at once, then at most once per interval with a trailing call for the last change', async () => {
    vi.useFakeTimers();
    try {
      await act(async () => root.render(createElement(Throttled, { label: 't' })));
      await emit(); // first change: at once
      expect(calls).toEqual(['t']);
      await emit(); // within the interval: held back…
      await emit(); // …and merged with this one
      expect(calls).toEqual(['t']);
      await act(async () => vi.advanceTimersByTime(999));
      expect(calls).toEqual(['t']);
      await act(async () => vi.advanceTimersByTime(1));
      expect(calls).toEqual(['t', 't']); // the trailing call, never dropped
      await act(async () => vi.advanceTimersByTime(5000));
      expect(calls).toEqual(['t', 't']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a pending trailing call is cancelled when the screen goes away', async () => {
    vi.useFakeTimers();
    try {
      await act(async () => root.render(createElement(Throttled, { label: 't' })));
      await emit();
      await emit();
      await act(async () => root.unmount());
      await act(async () => vi.advanceTimersByTime(5000));
      expect(calls).toEqual(['t']);
      root = createRoot(document.createElement('div')); // for afterEach
    } finally {
      vi.useRealTimers();
    }
  });
});
