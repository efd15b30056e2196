// @vitest-environment happy-dom
// The Privacy screen's receipts list follows erasures as they finish — from the erase
// dialog over it, a retention run or the CLI — through core's `library.changed`, instead
// of saying "Nothing has been erased yet" until the screen is opened again.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Receipt } from '../../../common/contract/erasure';

const server = vi.hoisted(() => ({ receipts: [] as unknown[], listeners: new Set<() => void>() }));

// The transport, in memory (the browser's fetch to the web host is not what is tested).
vi.mock('../../../renderer/api/client', () => ({
  ApiError: class extends Error {},
  api: {
    call: async (method: string) => {
      if (method !== 'receipts.list') throw new Error(`unexpected call ${method}`);
      return server.receipts;
    },
    on: (name: string, listener: () => void) => {
      if (name !== 'library.changed') return () => undefined;
      server.listeners.add(listener);
      return () => server.listeners.delete(listener);
    },
  },
}));

const { ReceiptsPanel } = await import('../../../renderer/components/privacy/ReceiptsPanel');

let root: Root;
let host: HTMLElement;
const settle = () => act(async () => new Promise((r) => setTimeout(r, 0)));

beforeEach(async () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  server.receipts = [];
  server.listeners.clear();
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  await act(async () => root.render(createElement(ReceiptsPanel)));
  await settle();
});
afterEach(async () => {
  await act(async () => root.unmount());
  host.remove();
});

describe('ReceiptsPanel', () => {
  it('shows a receipt as soon as an erase changes the library, without reopening the screen', async () => {
    expect(host.textContent).toContain('Nothing has been erased yet');
    const r: Receipt = { id: '608509b2-0000-4000-8000-000000000000', revision: 1, at: Date.now(), kind: 'erasure', scope: 'all contacts', requestedAt: Date.now(), counts: { contact: 4 }, locations: [], complete: true };
    server.receipts = [r];
    await act(async () => server.listeners.forEach((l) => l()));
    await settle();
    expect(host.textContent).not.toContain('Nothing has been erased yet');
    expect(host.textContent).toContain('all contacts');
  });
});
