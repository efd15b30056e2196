// @vitest-environment happy-dom
// The erase dialog shows the receipt of ITS erase. It used to show "the newest receipt" by
// sequence, but a phone's acknowledgement gives an older receipt a new revision with a
// higher sequence — the dialog then showed that older receipt as if it were this erase's.
// Now erase.start names the receipt id the job will issue and the dialog fetches that one.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErasePreview, Receipt } from '../../../common/contract/erasure';
import type { JobInfo } from '../../../common/contract/jobs';

const OWN = '11111111-1111-4111-8111-111111111111';
const OLDER = '22222222-2222-4222-8222-222222222222';

const server = vi.hoisted(() => ({ calls: [] as Array<{ method: string; input: unknown }>, responses: new Map<string, (input: unknown) => unknown>() }));

// A stand-in for the transport (the browser's fetch to the web host is not what is tested here).
vi.mock('../../../renderer/api/client', () => ({
  ApiError: class ApiError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  },
  api: {
    call: (method: string, input: unknown) => {
      server.calls.push({ method, input });
      const answer = server.responses.get(method);
      if (!answer) return Promise.reject(new Error(`unexpected call ${method}`));
      return Promise.resolve(answer(input));
    },
    on: () => () => undefined,
  },
}));

const { EraseDialog } = await import('../../../renderer/components/privacy/EraseDialog');

function job(over: Partial<JobInfo>): JobInfo {
  return { id: 'job-erase1', kind: 'erase', title: 'Erase 1 photo', state: 'running', phase: 'Finding every copy', done: 0, total: 1, bytesDone: 0, bytesTotal: null, etaSeconds: null, startedAt: 1, finishedAt: null, canPause: false, error: null, summary: null, ...over };
}
function receipt(id: string, over: Partial<Receipt>): Receipt {
  return { id, revision: 1, at: 1_700_000_000_000, kind: 'erasure', scope: '', requestedAt: 1, counts: {}, locations: [], complete: true, ...over };
}
const preview: ErasePreview = { itemIds: ['20260115T120000-aaaaaaaa'], scope: '1 photo', counts: { photo: 1 }, bytes: 1000, held: 0, locations: [{ kind: 'vault', name: 'This computer', items: 1, encryption: 'AES-256-GCM', plan: 'Keys destroyed' }] };

let root: Root;
let host: HTMLElement;

beforeEach(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  server.calls = [];
  server.responses = new Map<string, (input: unknown) => unknown>([
    ['erase.preview', () => preview],
    ['erase.start', () => ({ ...job({}), receiptId: OWN })],
    ['jobs.list', () => [job({ state: 'succeeded', finishedAt: 5, phase: 'Writing the receipt', summary: 'Erased 1 item' })]],
    // Newest first by sequence: an older erase, just revised by a phone's acknowledgement, then this erase's.
    [
      'receipts.list',
      () => [
        receipt(OLDER, { revision: 2, scope: 'an older erase of 3 messages', counts: { message: 3 } }),
        receipt(OWN, { scope: '1 photo', counts: { photo: 1 }, locations: [{ location: 'This computer (vault)', kind: 'vault', outcome: 'erased', items: 1 }] }),
      ],
    ],
    [
      'receipts.get',
      (input) => {
        const id = (input as { id: string }).id;
        const r = id === OWN ? receipt(OWN, { scope: '1 photo', counts: { photo: 1 }, locations: [{ location: 'This computer (vault)', kind: 'vault', outcome: 'erased', items: 1 }] }) : receipt(OLDER, { revision: 2, counts: { message: 3 } });
        return { receipt: r, history: [r], html: '' };
      },
    ],
  ]);
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
});
afterEach(async () => {
  await act(async () => root.unmount());
  document.body.innerHTML = '';
});

const settle = () => act(async () => new Promise((r) => setTimeout(r, 0)));

describe('EraseDialog', () => {
  it('shows the receipt of its own erase, not the receipt with the newest revision', async () => {
    await act(async () => root.render(createElement(EraseDialog, { selection: { itemIds: preview.itemIds }, label: 'this photo', open: true, onOpenChange: () => undefined })));
    await settle();
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.includes('Erase everywhere'));
    expect(button).toBeDefined();
    await act(async () => button!.click());
    for (let i = 0; i < 5 && !document.querySelector('[data-testid="receipt"]'); i++) await settle();

    const shown = document.querySelector('[data-testid="receipt"]');
    expect(shown?.textContent).toContain(OWN.slice(0, 8));
    expect(shown?.textContent).toContain('1 photo');
    expect(shown?.textContent).not.toContain(OLDER.slice(0, 8));
    expect(server.calls.filter((c) => c.method === 'receipts.get').map((c) => c.input)).toEqual([{ id: OWN }]);
  });

  it('says why when the erase job failed, and fetches no receipt', async () => {
    server.responses.set('jobs.list', () => [job({ state: 'failed', finishedAt: 5, error: { code: 'IO', message: 'The disk is full.' } })]);
    await act(async () => root.render(createElement(EraseDialog, { selection: { itemIds: preview.itemIds }, label: 'this photo', open: true, onOpenChange: () => undefined })));
    await settle();
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.includes('Erase everywhere'));
    await act(async () => button!.click());
    for (let i = 0; i < 5 && !document.querySelector('[role="alert"]'); i++) await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toBe('The disk is full.');
    expect(server.calls.some((c) => c.method.startsWith('receipts.'))).toBe(false);
  });
});
