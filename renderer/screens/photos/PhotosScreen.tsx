// Photos: the timeline (photos and videos), screenshots as their own view, and Places.
// The grid is laid out from per-day counts, so it knows its full height at once and
// jumps to any month without loading what lies between.
import { Image } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { PhotoRow } from '../../../common/contract/library';
import { api } from '../../api/client';
import { useQuery } from '../../api/hooks';
import { Screen } from '../../components/Screen';
import { formatNumber } from '../../library/format';
import { PhotoIndex } from '../../library/photo-index';
import { useLibraryChanged } from '../../library/use-library-changed';
import { LibraryScreen } from '../LibraryScreen';
import { PhotoGrid } from './PhotoGrid';
import { PhotoViewer } from './PhotoViewer';
import { PlacesMap } from './PlacesMap';

type Tab = 'photos' | 'screenshots' | 'places';
const TZ = -new Date().getTimezoneOffset();

export function PhotosScreen() {
  const [tab, setTab] = useState<Tab>('photos');
  const view = tab === 'screenshots' ? 'screenshots' : 'photos';
  const photos = useQuery('photos.days', { view: 'photos', tzOffsetMinutes: TZ });
  const shots = useQuery('photos.days', { view: 'screenshots', tzOffsetMinutes: TZ });
  const days = view === 'photos' ? photos : shots;
  const index = useMemo(() => (days.data ? new PhotoIndex(days.data.days, days.data.undated) : null), [days.data]);
  const [open, setOpen] = useState<number | null>(null);
  const [single, setSingle] = useState<PhotoRow | null>(null);
  const [jump, setJump] = useState<number | null>(null);
  const total = (d: typeof photos.data) => (d ? d.days.reduce((s, x) => s + x.count, 0) + d.undated : 0);
  // Items changed (an erase, an import, a phone sync): fresh day counts make a fresh
  // index, so erased photos leave the grid and new ones appear. Never under an open
  // viewer — that would pull the photo, and an erase receipt shown over it, away from the
  // person — so then the reload waits for the viewer to close.
  const [changes, setChanges] = useState(0);
  const [stale, setStale] = useState(false);
  const refresh = (): void => {
    photos.reload();
    shots.reload();
    setChanges((n) => n + 1);
  };
  // At most every 3 s: a long import or phone sync changes the library several times a
  // second, and each reload refetches the visible pages (cells flash "Loading").
  useLibraryChanged(() => {
    if (open !== null || single !== null) setStale(true);
    else refresh();
  }, 3000);
  const closeViewer = (): void => {
    setOpen(null);
    setSingle(null);
    if (stale) {
      setStale(false);
      refresh();
    }
  };

  if (photos.data && shots.data && total(photos.data) + total(shots.data) === 0) {
    return <LibraryScreen title="Photos" icon={Image} what="photos or videos" sources="Import a photo folder, a Google Takeout archive or a phone backup to see your photos on a timeline and a map." />;
  }
  const row = open !== null && index ? index.get(open) : undefined;
  return (
    <Screen
      title="Photos"
      subtitle={photos.data ? `${formatNumber(total(photos.data))} photos and videos · ${formatNumber(total(shots.data))} screenshots` : ''}
      actions={
        tab !== 'places' && index && index.days.length ? (
          <label className="field inline">
            Jump to
            <input
              type="month"
              onChange={(e) => {
                const [y, m] = e.target.value.split('-').map(Number);
                if (y && m) setJump(index.indexAt(new Date(y, m, 1).getTime() - 1));
              }}
            />
          </label>
        ) : null
      }
    >
      <div className="tabs" role="tablist" aria-label="Photo views">
        {(['photos', 'screenshots', 'places'] as const).map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
            {t === 'photos' ? 'Timeline' : t === 'screenshots' ? 'Screenshots' : 'Places'}
          </button>
        ))}
      </div>
      {tab === 'places' ? (
        <PlacesMap
          key={changes}
          onOpen={(id, lat, lon) => {
            void api.call('items.get', { id }).then((d) => setSingle({ ...d, lat, lon, thumb: null, mime: d.files.find((f) => f.role === 'original')?.mime ?? 'image/jpeg' }));
          }}
        />
      ) : index ? (
        index.total === 0 ? (
          <p className="muted">{view === 'screenshots' ? 'No screenshots.' : 'No photos or videos; only screenshots so far.'}</p>
        ) : (
          <PhotoGrid key={view} index={index} view={view} jumpTo={jump} onOpen={setOpen} />
        )
      ) : (
        <p className="muted">Loading…</p>
      )}
      {row && open !== null ? <PhotoViewer row={row} onClose={closeViewer} onStep={(d) => index && index.get(open + d) && setOpen(open + d)} /> : null}
      {single ? <PhotoViewer row={single} onClose={closeViewer} onStep={() => undefined} /> : null}
    </Screen>
  );
}
