// The virtualised timeline grid: only the rows in view (plus a margin) are in the DOM;
// each cell shows a placeholder until its page arrives, then the thumbnail streamed from
// the vault. [Note: scroll frame budget] Fixed cell size, so where every cell goes is
// arithmetic, never a layout read; scroll position is read once per animation frame and
// React state changes only when the top row changes (not on every pixel); cells are
// memoised with stable keys and props, so a frame mounts only the row that scrolled in;
// cells are `contain: strict` and thumbnails decode off the main thread.
import { Film } from 'lucide-react';
import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PhotoRow } from '../../../common/contract/library';
import { api } from '../../api/client';
import { formatDate } from '../../library/format';
import type { PhotoIndex } from '../../library/photo-index';
import { visibleRows } from '../../library/grid-window';

const CELL = 136;
const OVERSCAN = 4;

interface Props {
  index: PhotoIndex;
  view: 'photos' | 'screenshots';
  jumpTo: number | null;
  onOpen(i: number): void;
}

export function PhotoGrid({ index, view, jumpTo, onOpen }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const [topRow, setTopRow] = useState(0);
  const [version, setVersion] = useState(0);
  const [focus, setFocus] = useState(0);
  const cols = Math.max(1, Math.floor(size.w / CELL));
  const rows = Math.ceil(index.total / cols);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(([entry]) => {
      // The observer hands over the size it measured: no extra layout read here.
      const box = entry?.contentRect;
      if (box) setSize((s) => (s.w === box.width && s.h === box.height ? s : { w: box.width, h: box.height }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // One read of scrollTop per frame, one state change per row crossed (setState with the
  // same row is a no-op for React). Passive: scrolling never waits for this.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let frame = 0;
    const onScroll = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setTopRow(Math.floor(el.scrollTop / CELL));
      });
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      el.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
    };
  }, []);

  const { first, last } = visibleRows(topRow, size.h, CELL, OVERSCAN, rows);

  useEffect(() => {
    // No "still current?" guard: a page asked for by an earlier window is filed in the
    // index all the same and must re-render the grid (it will not be asked for again).
    for (const page of index.missing(first * cols, (last + 1) * cols - 1)) {
      api.call('photos.timeline', { view, before: page.before, limit: page.limit }).then(
        (r) => {
          index.fill(page.start, r.items);
          setVersion((v) => v + 1);
        },
        () => index.forget(page.key),
      );
    }
  }, [index, view, first, last, cols]);

  useEffect(() => {
    if (jumpTo === null || !scroller.current) return;
    scroller.current.scrollTop = Math.floor(jumpTo / cols) * CELL;
    setFocus(jumpTo);
  }, [jumpTo, cols]);

  const move = useCallback(
    (to: number) => {
      const i = Math.max(0, Math.min(index.total - 1, to));
      setFocus(i);
      const el = scroller.current;
      if (!el) return;
      const y = Math.floor(i / cols) * CELL;
      if (y < el.scrollTop) el.scrollTop = y;
      else if (y + CELL > el.scrollTop + size.h) el.scrollTop = y + CELL - size.h;
      requestAnimationFrame(() => el.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
    },
    [cols, index.total, size.h],
  );

  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols, PageDown: cols * 4, PageUp: -cols * 4 };
    const s = step[e.key];
    if (s !== undefined) {
      e.preventDefault();
      move(focus + s);
    } else if (e.key === 'Home') {
      e.preventDefault();
      move(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      move(index.total - 1);
    }
  };

  // Read on every render: pages arriving re-render through setVersion.
  const visibleDate = index.get(topRow * cols)?.occurredAt ?? null;
  const rowEls = [];
  for (let r = first; r <= last; r++) {
    const focusCol = Math.floor(focus / cols) === r ? focus % cols : -1;
    rowEls.push(<Row key={r} r={r} cols={cols} index={index} version={version} focusCol={focusCol} onOpen={onOpen} onFocus={setFocus} />);
  }
  return (
    <div className="photo-grid-wrap">
      {visibleDate !== null ? <div className="photo-grid-date">{formatDate(visibleDate, false)}</div> : null}
      <div ref={scroller} className="photo-grid" data-testid="photo-grid" onKeyDown={onKey}>
        <div className="photo-grid-inner" style={{ height: rows * CELL }} role="list" aria-label={view === 'photos' ? 'Photo timeline' : 'Screenshots'}>
          {rowEls}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  r: number;
  cols: number;
  index: PhotoIndex;
  /** Bumped when a page of photos arrives: the only time a mounted row's content changes. */
  version: number;
  /** The column holding the tabbable cell, or -1. */
  focusCol: number;
  onOpen(i: number): void;
  onFocus(i: number): void;
}

/**
 * One row, placed with a transform; its cells flow inside it, so there are a dozen
 * positioned boxes to place and layerize rather than a hundred. Memoised: scrolling mounts
 * the row that comes into view and leaves the others alone.
 */
const Row = memo(function Row({ r, cols, index, focusCol, onOpen, onFocus }: RowProps) {
  const cells = [];
  for (let c = 0; c < cols; c++) {
    const i = r * cols + c;
    if (i >= index.total) break;
    cells.push(<Cell key={i} i={i} row={index.get(i)} tabbable={c === focusCol} onOpen={onOpen} onFocus={onFocus} />);
  }
  return (
    <div role="none" className="photo-row" style={{ transform: `translateY(${r * CELL}px)` }}>
      {cells}
    </div>
  );
});

interface CellProps {
  i: number;
  row: PhotoRow | undefined;
  tabbable: boolean;
  onOpen(i: number): void;
  onFocus(i: number): void;
}

/** Re-renders only when its photo arrives or focus enters or leaves it. */
const Cell = memo(function Cell({ i, row, tabbable, onOpen, onFocus }: CellProps) {
  const label = row ? `${row.category === 'video' ? 'Video' : row.category === 'screenshot' ? 'Screenshot' : 'Photo'} ${row.title}, ${formatDate(row.occurredAt)}` : 'Loading photo';
  return (
    <div role="listitem" className="photo-slot">
      <button type="button" className="photo-cell" data-index={i} tabIndex={tabbable ? 0 : -1} aria-label={label} onFocus={() => onFocus(i)} onClick={() => row && onOpen(i)}>
        {row?.thumb ? <img src={api.mediaUrl(row.thumb)} alt="" loading="lazy" decoding="async" draggable={false} /> : <span className="photo-placeholder" />}
        {row?.category === 'video' ? <Film className="photo-badge" size={16} aria-hidden="true" /> : null}
      </button>
    </div>
  );
});
