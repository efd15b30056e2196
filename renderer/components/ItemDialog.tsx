// Any item in a dialog (search results, data-map click-through): what it is, when, its
// text, its files to download, and "Stored in". Photos show their thumbnail.
import * as Dialog from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import { categoryLabels } from '../../common/domain';
import { api } from '../api/client';
import { useQuery } from '../api/hooks';
import { formatDate } from '../library/format';
import { AttachmentList } from './Attachments';
import { StoredIn } from './StoredIn';

export function ItemDialog({ id, onClose }: { id: string; onClose(): void }) {
  const { data, error } = useQuery('items.get', { id });
  const thumb = data?.files.find((f) => f.role === 'thumbnail');
  return (
    <Dialog.Root open onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog item-dialog" aria-describedby={undefined}>
          <div className="dialog-head">
            <Dialog.Title>{data ? data.title : 'Loading…'}</Dialog.Title>
            <Dialog.Close className="button ghost small" aria-label="Close">
              <X size={18} aria-hidden="true" />
            </Dialog.Close>
          </div>
          {error ? <p className="notice error">{error.message}</p> : null}
          {data ? (
            <>
              <p className="muted">
                {categoryLabels[data.category]} · {formatDate(data.occurredAt)} · version {data.version}
              </p>
              {thumb?.mediaId ? <img className="item-thumb" src={api.mediaUrl(thumb.mediaId)} alt="" /> : null}
              {data.text ? <pre className="item-text">{data.text}</pre> : null}
              <AttachmentList files={data.files.filter((f) => f.role !== 'thumbnail')} label="Files" />
              <StoredIn id={data.id} />
            </>
          ) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
