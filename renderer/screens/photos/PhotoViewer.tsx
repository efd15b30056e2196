// The photo/video viewer: the original (video plays with range requests so it can seek),
// EXIF facts (camera, time, place), and "Stored in". ←/→ step through the timeline.
import * as Dialog from '@radix-ui/react-dialog';
import { ChevronLeft, ChevronRight, X } from 'lucide-react';
import type { PhotoRow } from '../../../common/contract/library';
import { api } from '../../api/client';
import { useQuery } from '../../api/hooks';
import { StoredIn } from '../../components/StoredIn';
import { formatBytes, formatDate } from '../../library/format';

interface Props {
  row: PhotoRow;
  onClose(): void;
  onStep(delta: number): void;
}

function camera(fields: Record<string, unknown>): string | null {
  const c = fields.camera as { make?: string; model?: string } | undefined;
  if (!c) return null;
  const { make = '', model = '' } = c;
  return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`.trim();
}

export function PhotoViewer({ row, onClose, onStep }: Props) {
  const { data } = useQuery('items.get', { id: row.id });
  const original = data?.files.find((f) => f.role === 'original');
  const isVideo = row.category === 'video' || row.mime.startsWith('video/');
  const src = api.mediaUrl(`${row.id}.original`);
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content
          className="dialog viewer-dialog"
          aria-describedby={undefined}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight') onStep(1);
            if (e.key === 'ArrowLeft') onStep(-1);
          }}
        >
          <div className="dialog-head">
            <Dialog.Title>{row.title}</Dialog.Title>
            <div className="row">
              <button type="button" className="button ghost small" onClick={() => onStep(-1)} aria-label="Newer">
                <ChevronLeft size={18} aria-hidden="true" />
              </button>
              <button type="button" className="button ghost small" onClick={() => onStep(1)} aria-label="Older">
                <ChevronRight size={18} aria-hidden="true" />
              </button>
              <Dialog.Close className="button ghost small" aria-label="Close">
                <X size={18} aria-hidden="true" />
              </Dialog.Close>
            </div>
          </div>
          <div className="viewer-body">
            <div className="viewer-media">{isVideo ? <video src={src} controls preload="metadata" /> : <img src={src} alt={row.title} />}</div>
            <aside className="viewer-side">
              <dl className="facts">
                <dt>Taken</dt>
                <dd>{formatDate(row.occurredAt)}</dd>
                {data && camera(data.fields) ? (
                  <>
                    <dt>Camera</dt>
                    <dd>{camera(data.fields)}</dd>
                  </>
                ) : null}
                <dt>Place</dt>
                <dd data-testid="photo-place">{row.lat !== null && row.lon !== null ? `${row.lat.toFixed(4)}, ${row.lon.toFixed(4)}` : 'No location recorded'}</dd>
                {data && typeof data.fields.width === 'number' ? (
                  <>
                    <dt>Size</dt>
                    <dd>
                      {String(data.fields.width)} × {String(data.fields.height)}
                      {original ? ` · ${formatBytes(original.size)}` : ''}
                    </dd>
                  </>
                ) : null}
                {data && typeof data.fields.timeSource === 'string' ? (
                  <>
                    <dt>Time from</dt>
                    <dd>{data.fields.timeSource}</dd>
                  </>
                ) : null}
              </dl>
              <a className="button small" href={src} download={original?.name ?? row.title}>
                Download original
              </a>
              <StoredIn id={row.id} onErased={onClose} />
            </aside>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
