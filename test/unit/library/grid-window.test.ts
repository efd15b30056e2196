// The photo grid's windowing arithmetic: which rows are mounted for a scroll position,
// without any layout read. Property-checked against a plain reference for every size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { visibleRows } from '../../../renderer/library/grid-window';

describe('visibleRows', () => {
  it('mounts the rows in view plus the overscan, clipped to the list', () => {
    expect(visibleRows(0, 600, 136, 4, 1000)).toEqual({ first: 0, last: 9 }); // 5 rows in view + 1 partial + 4
    expect(visibleRows(500, 600, 136, 4, 1000)).toEqual({ first: 496, last: 509 });
    expect(visibleRows(998, 600, 136, 4, 1000)).toEqual({ first: 994, last: 999 });
    expect(visibleRows(0, 600, 136, 4, 0)).toEqual({ first: 0, last: -1 }); // nothing to show
    expect(visibleRows(-3, 600, 136, 4, 3)).toEqual({ first: 0, last: 2 }); // a bounce above the top
    expect(visibleRows(50, 600, 136, 4, 10)).toEqual({ first: 5, last: 9 }); // scrolled past a shrunken list
  });

  it('every row that intersects the viewport is mounted, and never more than view + 2 × overscan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 20_000 }), (scrollTop, height, rowH, overscan, count) => {
        const top = Math.floor(scrollTop / rowH);
        const { first, last } = visibleRows(top, height, rowH, overscan, count);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(last).toBeLessThan(count);
        for (let r = top; r < count && r * rowH < scrollTop + height; r++) {
          if ((r + 1) * rowH > scrollTop) {
            expect(r).toBeGreaterThanOrEqual(first);
            expect(r).toBeLessThanOrEqual(last);
          }
        }
        expect(last - first + 1).toBeLessThanOrEqual(Math.ceil(height / rowH) + 1 + 2 * overscan);
      }),
    );
  });
});
