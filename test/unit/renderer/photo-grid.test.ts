// @vitest-environment happy-dom
// The photo grid in a DOM: only the rows in view (plus overscan) are mounted, scrolling
// re-renders per row crossed, and a page that arrives after the window moved (a resize, a
// scroll) still fills its cells — once a bug: they stayed "Loading photo" for good, since
// a page already asked for is never asked for again.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PhotoRow } from '../../../common/contract/library';

const server = vi.hoisted(() => ({ pending: [] as Array<{ input: { before: number; limit: number }; resolve(v: unknown): void }> }));

// The transport, held in memory so the test decides when each page arrives.
vi.mock('../../../renderer/api/client', () => ({
  api: {
    call: (method: string, input: { before: number; limit: number }) => {
      if (method !== 'photos.timeline') throw new Error(`unexpected call ${method}`);
      return new Promise((resolve) => server.pending.push({ input, resolve }));
    },
    mediaUrl: (id: string) => `/media/${id}`,
  },
}));

// happy-dom lays nothing out: the grid learns its size from this observer, driven here.
let resize: ((w: number, h: number) => void) | null = null;
class TestResizeObserver {
  constructor(private readonly cb: (entries: Array<{ contentRect: { width: number; height: number } }>) => void) {}
  observe(): void {
    resize = (width, height) => this.cb([{ contentRect: { width, height } }]);
  }
  disconnect(): void {
    resize = null;
  }
}

const { PhotoGrid } = await import('../../../renderer/screens/photos/PhotoGrid');
const { PhotoIndex } = await import('../../../renderer/library/photo-index');

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 31);
// 2,000 photos, 20 a day, newest first.
const days = Array.from({ length: 100 }, (_, d) => ({ day: `d${d}`, count: 20, end: T0 - d * DAY }));
function rowsFor(before: number, limit: number): PhotoRow[] {
  const d = Math.round((T0 - before) / DAY);
  return Array.from({ length: limit }, (_, k) => {
    const i = d * 20 + k;
    return { id: `${String(i).padStart(32, '0')}`, category: 'photo', deviceId: 'local', personal: true, occurredAt: T0 - Math.floor(i / 20) * DAY - (i % 20) * 1000, title: `IMG_${i}.jpg`, summary: '', version: 1, thumb: null, mime: 'image/jpeg', lat: null, lon: null };
  });
}
async function answerAll(): Promise<void> {
  const batch = server.pending.splice(0);
  await act(async () => batch.forEach((p) => p.resolve({ items: rowsFor(p.input.before, p.input.limit), next: null })));
}

let root: Root;
let host: HTMLDivElement;
beforeEach(async () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  vi.stubGlobal('ResizeObserver', TestResizeObserver);
  server.pending = [];
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  await act(async () => root.render(createElement(PhotoGrid, { index: new PhotoIndex(days, 0), view: 'photos', jumpTo: null, onOpen: () => undefined })));
});
afterEach(async () => {
  await act(async () => root.unmount());
  host.remove();
  vi.unstubAllGlobals();
});

const labels = () => [...host.querySelectorAll('.photo-cell')].map((b) => b.getAttribute('aria-label') ?? '');
const rowsMounted = () => host.querySelectorAll('.photo-row').length;

describe('PhotoGrid', () => {
  it('mounts only the rows in view plus overscan, one positioned box per row', async () => {
    await act(async () => resize!(680, 400)); // 5 columns, 3 rows in view
    await answerAll();
    expect(rowsMounted()).toBe(Math.ceil(400 / 136) + 1 + 4); // top row 0: no overscan above
    expect(labels()[0]).toMatch(/^Photo IMG_0\.jpg, /);
    expect(host.querySelector('[role="list"]')!.getAttribute('style')).toContain(`height: ${Math.ceil(2000 / 5) * 136}px`);
  });

  it('a page that arrives after the window moved still fills its cells', async () => {
    // The first window (800 px wide by default) asks for its page; before it arrives the
    // grid is resized, which changes the columns and so the window.
    expect(server.pending.length).toBeGreaterThan(0);
    await act(async () => resize!(408, 300)); // 3 columns
    await answerAll();
    expect(labels().filter((l) => l === 'Loading photo')).toEqual([]);
    expect(labels().slice(0, 4)).toEqual(expect.arrayContaining([expect.stringMatching(/^Photo IMG_0\.jpg/), expect.stringMatching(/^Photo IMG_3\.jpg/)]));
  });

  it('scrolling re-renders per row crossed and fetches the pages coming into view', async () => {
    await act(async () => resize!(680, 400));
    await answerAll();
    const scroller = host.querySelector<HTMLElement>('[data-testid="photo-grid"]')!;
    await act(async () => {
      scroller.scrollTop = 136 * 300; // row 300 = photo 1,500 (day 75)
      scroller.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => r(null)));
    });
    expect(server.pending.map((p) => Math.round((T0 - p.input.before) / DAY))).toContain(74);
    await answerAll();
    expect(labels()).toContain(`Photo IMG_1500.jpg, ${new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(T0 - 75 * DAY)}`);
    expect(rowsMounted()).toBeLessThanOrEqual(Math.ceil(400 / 136) + 1 + 8);
  });
});
