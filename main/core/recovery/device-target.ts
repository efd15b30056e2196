// Restore to a paired new phone through the device protocol (docs/protocol.md §4): each
// item's original is offered; the phone pulls it (resumable with Range), checks the hash,
// renames into place and acknowledges. The protocol serves the vault's original bytes, so
// an item whose location the consent does not allow to travel unchanged is not offered —
// the report says so and points to the export bundle, which carries a rewritten copy.
// Offers are keyed by item, so a rerun never offers the same item twice. Items are read
// page by page and offered one at a time: no whole-category array, no whole-file string.
import type { CategoryReport, RecoveryCategory, RecoveryReport } from '../../../common/contract/recovery';
import type { Core } from '../core';
import { devicesFor } from '../devices/registry';
import { openVault } from '../privacy/ledgers';
import { get, sql, type Db } from '../vault/sql';
import { sha256, uniqueName } from './atomic';
import { loadItem } from './load';
import type { LocationPolicy } from './location';
import type { RecoveryControl } from './recovery-job';
import { eachSelected, type SelectedItem, type SelectPlan } from './select';
import { mediaFolder, mediaName, prepareMedia } from './writers/media';

const FOLDER: Record<RecoveryCategory, string> = {
  contact: 'Contacts',
  event: 'Calendar',
  message: 'Messages',
  call: 'Calls',
  note: 'Notes',
  email: 'Email',
  photo: 'Photos',
  video: 'Photos',
  screenshot: 'Photos',
};

export async function offerToDevice(core: Core, deviceId: string, plan: SelectPlan, report: RecoveryReport, policy: LocationPolicy, control: RecoveryControl): Promise<void> {
  const vault = openVault(core);
  const devices = devicesFor(core);
  let done = 0;
  const total = report.categories.reduce((a, c) => a + c.expected, 0);
  for (const cat of report.categories as CategoryReport[]) {
    const used = new Set<string>();
    // A page of the selection at a time (select.ts), never the whole category in memory.
    for (const sel of pages(vault.indexDb, plan, cat.category)) {
      await control.checkpoint();
      done++;
      control.report({ phase: `Offering ${cat.category}s to the phone`, done, total });
      const offered = get<{ path: string }>(vault.indexDb, sql`SELECT path FROM device_restore_offers WHERE device_id = ${deviceId} AND vault_item_id = ${sel.id}`);
      if (offered) {
        used.add(offered.path.toLowerCase());
        cat.files.push(offered.path);
        cat.written++;
        continue;
      }
      const item = await loadItem(vault, sel.id, { skipLarge: true });
      const original = item?.files.find((f) => f.role === 'original');
      if (!item || !original) {
        cat.skipped.push({ itemId: sel.id, reason: 'The item has no original file a phone can take; use an export bundle.' });
        continue;
      }
      if (!Buffer.isBuffer(original.data)) {
        cat.skipped.push({ itemId: sel.id, reason: 'The file is too large to offer in this version; use an export bundle.' });
        continue;
      }
      const e = policy.effective();
      const media = cat.category === 'photo' || cat.category === 'video' || cat.category === 'screenshot';
      if (media) {
        const copy = prepareMedia(cat.category, original.mime, original.data, item.location, policy);
        if (!copy.ok || !copy.bytes.equals(original.data)) {
          cat.skipped.push({ itemId: sel.id, reason: copy.ok ? 'Its location may not travel unchanged, and a phone restore sends the original; use an export bundle for this item.' : copy.reason });
          continue;
        }
      } else if (item.location && e.precision !== 'precise') {
        policy.drop(cat.category, e.reason ?? 'precise location was not allowed');
        cat.skipped.push({ itemId: sel.id, reason: 'Its location may not travel unchanged, and a phone restore sends the original; use an export bundle for this item.' });
        continue;
      } else if (item.location) policy.point(cat.category, item.location);
      const folder = media ? mediaFolder(item.occurredAt) : FOLDER[cat.category];
      const path = uniqueName(used, `${folder}/${mediaName(original.name)}`, item.id);
      const offer = { offerId: `rs-${item.id}`, vaultItemId: item.id, category: cat.category, path, size: original.data.length, hash: sha256(original.data), modified: item.occurredAt ?? 0 };
      await devices.sync.turn(() => devices.offerRestore(deviceId, [offer])); // in turn with the vault's writes (storage worker)
      cat.files.push(path);
      cat.written++;
    }
  }
}

function* pages(db: Db, plan: SelectPlan, category: RecoveryCategory): Generator<SelectedItem> {
  for (const page of eachSelected(db, plan, category)) yield* page;
}
