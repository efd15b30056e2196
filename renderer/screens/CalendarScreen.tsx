// Calendar: a month grid and an agenda for the same month; recurring events are expanded
// into each occurrence by events.range. ←/→ buttons (and the month picker) move months.
import { Calendar, ChevronLeft, ChevronRight, Repeat } from 'lucide-react';
import { useState } from 'react';
import type { Occurrence } from '../../common/contract/library';
import { useQuery } from '../api/hooks';
import { ItemDialog } from '../components/ItemDialog';
import { Screen } from '../components/Screen';
import { formatTime } from '../library/format';
import { useLibraryChanged } from '../library/use-library-changed';
import { LibraryScreen } from './LibraryScreen';

function monthStart(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), 1);
}

export function CalendarScreen({ initial }: { initial?: Date }) {
  const any = useQuery('library.overview', {});
  const [month, setMonth] = useState(() => monthStart(initial ?? new Date()));
  const [view, setView] = useState<'month' | 'agenda'>('month');
  const [openId, setOpenId] = useState<string | null>(null);
  const from = month.getTime();
  const to = new Date(month.getFullYear(), month.getMonth() + 1, 1).getTime();
  const { data, error, reload } = useQuery('events.range', { from, to });
  useLibraryChanged(() => {
    any.reload();
    reload();
  });
  const count = any.data?.categories.find((c) => c.category === 'event')?.count ?? 0;
  if (any.data && count === 0) {
    return <LibraryScreen title="Calendar" icon={Calendar} what="events" sources="Import an iCalendar (.ics) file, a Google Takeout archive or a phone backup." />;
  }
  const label = month.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
  const step = (n: number) => setMonth(new Date(month.getFullYear(), month.getMonth() + n, 1));
  return (
    <Screen
      title="Calendar"
      subtitle={`${count} events`}
      actions={
        <div className="row">
          <button type="button" className="button small" onClick={() => step(-1)} aria-label="Previous month">
            <ChevronLeft size={16} aria-hidden="true" />
          </button>
          <label className="field inline">
            <span className="visually-hidden">Month</span>
            <input type="month" value={`${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`} onChange={(e) => { const [y, m] = e.target.value.split('-').map(Number); if (y && m) setMonth(new Date(y, m - 1, 1)); }} />
          </label>
          <button type="button" className="button small" onClick={() => step(1)} aria-label="Next month">
            <ChevronRight size={16} aria-hidden="true" />
          </button>
        </div>
      }
    >
      <div className="tabs" role="tablist" aria-label="Calendar views">
        <button type="button" role="tab" aria-selected={view === 'month'} className={view === 'month' ? 'tab active' : 'tab'} onClick={() => setView('month')}>
          Month
        </button>
        <button type="button" role="tab" aria-selected={view === 'agenda'} className={view === 'agenda' ? 'tab active' : 'tab'} onClick={() => setView('agenda')}>
          Agenda
        </button>
      </div>
      <h2>{label}</h2>
      {error ? <p className="notice error">{error.message}</p> : null}
      {data ? view === 'month' ? <MonthGrid month={month} items={data.items} onOpen={setOpenId} /> : <Agenda items={data.items} onOpen={setOpenId} /> : <p className="muted">Loading…</p>}
      {openId ? <ItemDialog id={openId} onClose={() => setOpenId(null)} /> : null}
    </Screen>
  );
}

function MonthGrid({ month, items, onOpen }: { month: Date; items: Occurrence[]; onOpen(id: string): void }) {
  const first = (month.getDay() + 6) % 7; // Monday first
  const days = new Date(month.getFullYear(), month.getMonth() + 1, 0).getDate();
  const cells: Array<number | null> = [...Array<null>(first).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(null);
  const byDay = new Map<number, Occurrence[]>();
  for (const o of items) {
    const d = new Date(o.start);
    if (d.getMonth() !== month.getMonth()) continue;
    const list = byDay.get(d.getDate()) ?? [];
    list.push(o);
    byDay.set(d.getDate(), list);
  }
  return (
    <table className="month-grid">
      <thead>
        <tr>
          {['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => (
            <th key={d} scope="col">
              {d}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: cells.length / 7 }, (_, w) => (
          <tr key={w}>
            {cells.slice(w * 7, w * 7 + 7).map((d, i) => (
              <td key={i} className={d ? 'day' : 'day empty'}>
                {d ? <span className="day-num">{d}</span> : null}
                {d
                  ? (byDay.get(d) ?? []).map((o) => (
                      <button key={`${o.id}${o.start}`} type="button" className="event-chip" onClick={() => onOpen(o.id)}>
                        {o.allDay ? '' : `${formatTime(o.start)} `}
                        {o.title}
                      </button>
                    ))
                  : null}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Agenda({ items, onOpen }: { items: Occurrence[]; onOpen(id: string): void }) {
  if (!items.length) return <p className="muted">Nothing this month.</p>;
  return (
    <ol className="plain-list agenda">
      {items.map((o) => (
        <li key={`${o.id}${o.start}`}>
          <button type="button" className="list-row" onClick={() => onOpen(o.id)}>
            <span className="row spread">
              <strong className="row">
                {o.recurring ? <Repeat size={14} aria-label="Repeats" /> : null} {o.title}
              </strong>
              <span className="hint">
                {new Date(o.start).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}
                {o.allDay ? ' · all day' : ` · ${formatTime(o.start)}${o.end ? `–${formatTime(o.end)}` : ''}`}
              </span>
            </span>
            {o.location ? <span className="hint">{o.location}</span> : null}
          </button>
        </li>
      ))}
    </ol>
  );
}
