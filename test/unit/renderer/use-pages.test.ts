// @vitest-environment happy-dom
// usePages: a list screen's rows follow the vault. After `library.changed`, the pages
// already on screen are fetched again and swapped in whole — new rows appear, erased rows
// go, and what "More" had loaded stays loaded. pickCurrent moves a detail pane off a row
// that left the list.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pages } from '../../../renderer/library/use-pages';

interface Row {
  id: string;
}
const server = vi.hoisted(() => ({ rows: [] as Array<{ id: string }>, listeners: new Set<() => void>() }));

// The server side of `notes.list` in memory: keyset pages over `server.rows`, in order.
vi.mock('../../../renderer/api/client', () => ({
  ApiError: class extends Error {},
  api: {
    on: (name: string, listener: () => void) => {
      if (name !== 'library.changed') throw new Error(`unexpected event ${name}`);
      server.listeners.add(listener);
      return () => server.listeners.delete(listener);
    },
    call: async (method: string, input: { limit: number; cursor?: string }) => {
      if (method !== 'notes.list') throw new Error(`unexpected method ${method}`);
      const start = input.cursor ? server.rows.findIndex((r) => r.id === input.cursor) + 1 : 0;
      const items = server.rows.slice(start, start + input.limit);
      const last = items.at(-1);
      return { items, next: start + input.limit < server.rows.length && last ? last.id : null };
    },
  },
}));

const { usePages } = await import('../../../renderer/library/use-pages');
const { pickCurrent } = await import('../../../renderer/library/pick-current');

let seen: Pages<Row>;
let root: Root;
function Probe() {
  seen = usePages('notes.list', { limit: 3 }) as unknown as Pages<Row>;
  return null;
}
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: `n${from + i}` }));
const settle = () => act(async () => new Promise((r) => setTimeout(r, 0)));

beforeEach(async () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  server.rows = ids(0, 10);
  server.listeners.clear();
  root = createRoot(document.createElement('div'));
  await act(async () => root.render(createElement(Probe)));
  await settle();
});
afterEach(async () => {
  await act(async () => root.unmount());
});

describe('usePages', () => {
  it('pages on demand without skipping or repeating', async () => {
    expect(seen.items.map((r) => r.id)).toEqual(['n0', 'n1', 'n2']);
    await act(async () => seen.more());
    await settle();
    expect(seen.items.map((r) => r.id)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
    expect(seen.done).toBe(false);
  });

  it('follows library.changed: new rows in, erased rows out, loaded pages kept', async () => {
    await act(async () => seen.more());
    await settle();
    server.rows = [{ id: 'new' }, ...server.rows.filter((r) => r.id !== 'n1')];
    await act(async () => server.listeners.forEach((l) => l()));
    await settle();
    expect(seen.items.map((r) => r.id)).toEqual(['new', 'n0', 'n2', 'n3', 'n4', 'n5']);
    expect(seen.done).toBe(false);
    await act(async () => seen.more());
    await settle();
    expect(seen.items.map((r) => r.id)).toEqual(['new', 'n0', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8']);
  });

  it('a list emptied underneath shows empty and done', async () => {
    server.rows = [];
    await act(async () => server.listeners.forEach((l) => l()));
    await settle();
    expect(seen.items).toEqual([]);
    expect(seen.done).toBe(true);
  });
});

describe('pickCurrent', () => {
  const rows = [{ id: 'a' }, { id: 'b' }];
  it('keeps the chosen row while it is listed, else falls back to the first, else nothing', () => {
    expect(pickCurrent(rows, 'b', (r) => r.id)).toBe('b');
    expect(pickCurrent(rows, 'gone', (r) => r.id)).toBe('a');
    expect(pickCurrent(rows, null, (r) => r.id)).toBe('a');
    expect(pickCurrent([], 'b', (r: Row) => r.id)).toBeNull();
  });
});
