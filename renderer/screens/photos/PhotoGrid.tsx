// The virtualised timeline grid: only the rows in view (plus a margin) are in the DOM;
// each cell shows a placeholder until its page arrives, then the thumbnail streamed from
// the vault. Fixed cell size, so layout never shifts while scrolling (no jank).
import { Film } from 'lucide-react';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PhotoRow } from '../../../common/contract/library';
import { api } from '../../api/client';
import { formatDate } from '../../library/format';
import type { PhotoIndex } from '../../library/photo-index';

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
  const [top, setTop] = useState(0);
  const [, setVersion] = useState(0);
  const [focus, setFocus] = useState(0);
  const cols = Math.max(1, Math.floor(size.w / CELL));
  const rows = Math.ceil(index.total / cols);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(top / CELL) - OVERSCAN);
  const last = Math.min(rows - 1, Math.ceil((top + size.h) / CELL) + OVERSCAN);

  useEffect(() => {
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
      else if (y + CELL > el.scrollTop + el.clientHeight) el.scrollTop = y + CELL - el.clientHeight;
      requestAnimationFrame(() => el.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
    },
    [cols, index.total],
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
  const visibleDate = index.get(Math.floor(top / CELL) * cols)?.occurredAt ?? null;
  const cells = [];
  for (let r = first; r <= last; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      if (i >= index.total) break;
      cells.push(<Cell key={i} i={i} row={index.get(i)} x={c * CELL} y={r * CELL} tabbable={i === focus} onOpen={onOpen} onFocus={setFocus} />);
    }
  }
  return (
    <div className="photo-grid-wrap">
      {visibleDate !== null ? <div className="photo-grid-date">{formatDate(visibleDate, false)}</div> : null}
      <div ref={scroller} className="photo-grid" data-testid="photo-grid" onScroll={(e) => setTop(e.currentTarget.scrollTop)} onKeyDown={onKey}>
        <div className="photo-grid-inner" style={{ height: rows * CELL }} role="list" aria-label={view === 'photos' ? 'Photo timeline' : 'Screenshots'}>
          {cells}
        </div>
      </div>
    </div>
  );
}

function Cell({ i, row, x, y, tabbable, onOpen, onFocus }: { i: number; row: PhotoRow | undefined; x: number; y: number; tabbable: boolean; onOpen(i: number): void; onFocus(i: number): void }) {
  const label = row ? `${row.category === 'video' ? 'Video' : row.category === 'screenshot' ? 'Screenshot' : 'Photo'} ${row.title}, ${formatDate(row.occurredAt)}` : 'Loading photo';
  return (
    <div role="listitem" className="photo-slot" style={{ transform: `translate(${x}px, ${y}px)` }}>
      <button type="button" className="photo-cell" data-index={i} tabIndex={tabbable ? 0 : -1} aria-label={label} onFocus={() => onFocus(i)} onClick={() => row && onOpen(i)}>
        {row?.thumb ? <img src={api.mediaUrl(row.thumb)} alt="" loading="lazy" decoding="async" draggable={false} /> : <span className="photo-placeholder" />}
        {row?.category === 'video' ? <Film className="photo-badge" size={16} aria-hidden="true" /> : null}
      </button>
    </div>
  );
}
