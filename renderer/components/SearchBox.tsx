// The one search box (top bar): searches as you type (debounced), results grouped by
// category, filters for category and dates, fully keyboard-driven: ↓/↑ move through the
// results, Enter opens one, Escape closes. "/" focuses the box from anywhere.
import { Search } from 'lucide-react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchResult } from '../../common/contract/library';
import { Category, categoryLabels } from '../../common/domain';
import { api, ApiError } from '../api/client';
import { formatDate, snippetParts } from '../library/format';
import { ItemDialog } from './ItemDialog';

export function SearchBox() {
  const [q, setQ] = useState('');
  const [category, setCategory] = useState<Category | ''>('');
  const [since, setSince] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [openId, setOpenId] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // A press anywhere outside the search closes its results (they stay for the next focus).
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, []);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !/INPUT|TEXTAREA|SELECT/.test(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!q.trim()) return; // an empty box shows nothing (see `shown` below)
    let live = true;
    const timer = setTimeout(() => {
      api.call('search.query', { q, ...(category ? { categories: [category] } : {}), ...(since ? { from: new Date(since).getTime() } : {}) }).then(
        (r) => {
          if (!live) return;
          setResult(r);
          setError(null);
          setActive(0);
          setOpen(true);
        },
        (e: unknown) => live && setError(e instanceof ApiError ? e.message : String(e)),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, category, since]);

  const shown = q.trim() ? result : null;
  const flat = shown ? shown.groups.flatMap((g) => g.hits) : [];
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(flat.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter' && flat[active]) {
      e.preventDefault();
      setOpenId(flat[active]!.id);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };
  const activeId = flat[active] ? `sr-${flat[active]!.id}` : undefined;
  let n = -1;
  return (
    <div className="search" role="search" ref={box}>
      <div className="search-bar">
        <Search size={16} aria-hidden="true" />
        <input
          ref={input}
          type="search"
          placeholder="Search everything  ( / )"
          aria-label="Search everything"
          role="combobox"
          aria-expanded={open && !!shown}
          aria-controls="search-results"
          aria-activedescendant={open ? activeId : undefined}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={onKey}
          onFocus={() => setOpen(true)}
        />
        <select aria-label="Only this category" value={category} onChange={(e) => setCategory(e.target.value as Category | '')}>
          <option value="">All</option>
          {Category.options.map((c) => (
            <option key={c} value={c}>
              {categoryLabels[c]}
            </option>
          ))}
        </select>
        <input type="date" aria-label="Since date" value={since} onChange={(e) => setSince(e.target.value)} />
      </div>
      {open && (shown || error) ? (
        <div className="search-results" id="search-results" role="listbox" aria-label="Search results">
          {error ? <p className="error-text">{error}</p> : null}
          {shown && shown.groups.length === 0 ? <p className="muted">Nothing matches “{q}”.</p> : null}
          {shown?.groups.map((g) => (
            <div key={g.category} role="group" aria-label={categoryLabels[g.category]}>
              <div className="search-group">{categoryLabels[g.category]}{g.more ? ' · more' : ''}</div>
              {g.hits.map((h) => {
                n++;
                const i = n;
                return (
                  <div key={h.id} id={`sr-${h.id}`} role="option" aria-selected={i === active} className={i === active ? 'search-hit active' : 'search-hit'} onMouseDown={(e) => e.preventDefault()} onClick={() => setOpenId(h.id)}>
                    <div className="row spread">
                      <strong>{h.title}</strong>
                      <span className="hint">{h.occurredAt ? formatDate(h.occurredAt, false) : ''}</span>
                    </div>
                    <div className="hint">
                      {snippetParts(h.snippet).map((p, k) => (k % 2 ? <mark key={k}>{p}</mark> : <span key={k}>{p}</span>))}
                    </div>
                  </div>
                );
              })}
            </div>
          ))}
          {shown?.windowed ? <p className="hint">A very common word: the newest matches are shown. Pick a category or a date to narrow it.</p> : null}
        </div>
      ) : null}
      {openId ? <ItemDialog id={openId} onClose={() => setOpenId(null)} /> : null}
    </div>
  );
}
