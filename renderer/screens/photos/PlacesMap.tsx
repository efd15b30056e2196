// Places: photos with GPS as clustered points on an offline world map (Natural Earth
// 1:110m land outline bundled in renderer/assets; no remote tiles). Cluster size grows
// with the count; each cluster is a button that opens its sample photo.
import { useQuery } from '../../api/hooks';
import { WORLD_LAND_PATH } from '../../assets/world-land-110m';
import { formatNumber } from '../../library/format';

export function PlacesMap({ onOpen }: { onOpen(id: string, lat: number, lon: number): void }) {
  const { data, error } = useQuery('photos.places', { cellDegrees: 3 });
  if (error) return <p className="notice error">{error.message}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (data.total === 0) return <p className="muted">None of your photos has a location recorded.</p>;
  const max = Math.max(...data.clusters.map((c) => c.count));
  return (
    <figure className="places">
      <svg viewBox="0 0 360 180" className="world-map" role="group" aria-label={`World map with ${formatNumber(data.total)} photos in ${data.clusters.length} places`}>
        <rect x="0" y="0" width="360" height="180" className="sea" />
        <path d={WORLD_LAND_PATH} className="land" />
        {data.clusters.map((c) => {
          const r = 1.6 + 4 * Math.sqrt(c.count / max);
          const label = `${formatNumber(c.count)} photo${c.count === 1 ? '' : 's'} near ${c.lat.toFixed(2)}, ${c.lon.toFixed(2)}`;
          return (
            <g
              key={`${c.lat},${c.lon}`}
              role="button"
              tabIndex={0}
              aria-label={label}
              className="cluster"
              onClick={() => onOpen(c.sample, c.lat, c.lon)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onOpen(c.sample, c.lat, c.lon);
                }
              }}
            >
              <title>{label}</title>
              <circle cx={c.lon + 180} cy={90 - c.lat} r={r} />
              {c.count > 1 ? (
                <text x={c.lon + 180} y={90 - c.lat + 1.2} textAnchor="middle">
                  {c.count > 999 ? `${Math.round(c.count / 1000)}k` : c.count}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">Map: Natural Earth 1:110m land (public domain). Positions are the average of the photos in each cluster.</figcaption>
    </figure>
  );
}
