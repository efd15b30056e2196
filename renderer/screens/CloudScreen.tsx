// Cloud: the targets the vault is mirrored to, end-to-end encrypted, with their health.
import { Cloud } from 'lucide-react';
import { useState } from 'react';
import { api } from '../api/client';
import { useEvent, useQuery } from '../api/hooks';
import { AddTargetDialog } from '../components/cloud/AddTargetDialog';
import { TargetCard } from '../components/cloud/TargetCard';
import { EmptyState } from '../components/EmptyState';
import { Screen } from '../components/Screen';

export function CloudScreen() {
  const targets = useQuery('cloud.targets', {});
  const [adding, setAdding] = useState(false);
  useEvent('cloud.changed', targets.reload);
  const list = targets.data ?? [];
  const add = (
    <button type="button" className="button primary" onClick={() => setAdding(true)}>
      Add target…
    </button>
  );
  return (
    <Screen
      title="Cloud"
      subtitle="End-to-end encrypted copies of your vault. A new computer can rebuild everything from one of these and your recovery key."
      actions={
        list.length ? (
          <>
            <button type="button" className="button" onClick={() => void api.call('cloud.sync', {})}>
              Sync all now
            </button>
            {add}
          </>
        ) : undefined
      }
    >
      {targets.error ? <p className="error-text">{targets.error.message}</p> : null}
      {list.length === 0 && !targets.loading ? (
        <EmptyState icon={Cloud} title="No cloud targets yet" actions={add}>
          Add an S3-compatible bucket (AWS, Backblaze B2, Cloudflare R2, Wasabi, MinIO), a WebDAV server (Nextcloud, ownCloud, a NAS) or a folder such as an external drive or a synced folder. The provider only ever sees encrypted data.
        </EmptyState>
      ) : (
        <ul className="plain-list stack-lg">
          {list.map((t) => (
            <TargetCard key={t.id} target={t} onChanged={targets.reload} />
          ))}
        </ul>
      )}
      <AddTargetDialog open={adding} onOpenChange={setAdding} onAdded={targets.reload} />
    </Screen>
  );
}
