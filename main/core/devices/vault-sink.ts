// The IngestSink over the real Vault. Files from a phone become items with their original
// as the item's file. Phone exports (sms.xml, contacts.vcf, calendar.ics, notes/) are
// kept as a 'file' item (the original, untouched) AND read with the intake record parsers
// (intake/archives/registry-link.ts, the seam to the format registry), so messages,
// contacts, events and notes appear as items of their own. The phone is acknowledged only
// when both the original and every parsed record are durable.
import type { Readable } from 'node:stream';
import type { Category } from '../../../common/domain';
import { isKeepsakeError } from '../../../common/errors';
import { lookupRecordFormat } from '../intake/archives/registry-link';
import { collectingContext, type ImportInput } from '../intake/types';
import type { Log } from '../log';
import { get, sql } from '../vault/sql';
import type { NewItem, PutResult } from '../vault/types';
import type { Vault } from '../vault/vault';
import type { IngestItem, IngestResult, IngestSink, IngestStatus } from './sink';

/** Categories the agent uses for export files; they are parsed into records. */
export const EXPORT_CATEGORIES: ReadonlySet<Category> = new Set<Category>(['message', 'call', 'contact', 'event', 'note', 'email']);
const PARSE_BATCH = 500;

function statusOf(r: PutResult): IngestStatus {
  return r.status === 'duplicate' ? 'duplicate' : r.status === 'tombstoned' ? 'tombstoned' : 'stored';
}

/** The vault's answers as the gateway's, in batch order. */
function resultsOf(batch: IngestItem[], put: PutResult[]): IngestResult[] {
  return batch.map((it, i) => {
    const r = put[i];
    if (!r) return { sourceKey: it.sourceKey, status: 'failed', message: 'The vault did not report this item.' };
    return { sourceKey: it.sourceKey, status: statusOf(r), ...(r.id ? { vaultItemId: r.id } : {}) };
  });
}

async function readHead(open: () => Readable, max = 64 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  const s = open();
  try {
    for await (const chunk of s as AsyncIterable<Buffer>) {
      parts.push(chunk);
      n += chunk.length;
      if (n >= max) break;
    }
  } finally {
    s.destroy();
  }
  return Buffer.concat(parts).subarray(0, max);
}

export class VaultIngestSink implements IngestSink {
  constructor(
    private readonly vault: Vault,
    private readonly log: Log,
  ) {}

  async putItems(batch: IngestItem[], onDurable?: (results: IngestResult[]) => void): Promise<IngestResult[]> {
    const items: NewItem[] = batch.map((it) => {
      const isExport = it.file !== undefined && EXPORT_CATEGORIES.has(it.category);
      const file = it.file;
      return {
        category: isExport ? 'file' : it.category,
        deviceId: it.deviceId,
        sourceKey: it.sourceKey,
        occurredAt: it.occurredAt,
        title: it.title,
        fields: isExport ? { ...it.fields, exportOf: it.category } : it.fields,
        personal: true,
        ...(file ? { files: [{ role: 'original' as const, name: file.name, mime: file.mime, data: file.data ?? (() => file.open()) }] } : {}),
        ...(it.location ? { location: it.location } : {}),
      };
    });
    // An export is acknowledged only once its records are durable too, which is after
    // this transaction: such a batch calls onDurable at the end instead.
    const hasExport = batch.some((it) => it.file !== undefined && EXPORT_CATEGORIES.has(it.category));
    const inCommit = onDurable && !hasExport ? (_db: unknown, put: PutResult[]) => onDurable(resultsOf(batch, put)) : undefined;
    const results = resultsOf(batch, await this.vault.putItems(items, inCommit));
    for (const [i, it] of batch.entries()) {
      const result = results[i] as IngestResult;
      if (result.status === 'stored' && it.file && EXPORT_CATEGORIES.has(it.category)) {
        const note = await this.importRecords(it);
        if (note) result.message = note;
      }
    }
    // After the vault's transaction: the acks take their own turn in its queue.
    if (onDurable && hasExport) await this.vault.afterWrites(() => onDurable(results));
    return results;
  }

  /** Parses an export into records and stores them; returns a note for the phone when something was refused. */
  private async importRecords(it: IngestItem): Promise<string | null> {
    const file = it.file;
    if (!file) return null;
    const format = lookupRecordFormat(await readHead(file.open), file.name);
    if (!format) return 'kept as a file: its format is not one Keepsake reads into records';
    const input: ImportInput = { path: file.name, size: file.size, open: () => file.open() };
    const ctx = collectingContext();
    let pending: NewItem[] = [];
    let count = 0;
    try {
      for await (const parsed of format.importer(input, ctx)) {
        pending.push({ ...parsed, deviceId: it.deviceId });
        if (pending.length >= PARSE_BATCH) {
          count += (await this.vault.putItems(pending)).length;
          pending = [];
        }
      }
      if (pending.length) count += (await this.vault.putItems(pending)).length;
    } catch (e) {
      if (!isKeepsakeError(e)) throw e;
      this.log.warn('devices.export-unreadable', { format: format.id, code: e.code });
      return `kept as a file; its records could not all be read (${e.message})`;
    }
    this.log.info('devices.export-imported', { format: format.id, records: count, refused: ctx.refusals.length });
    return ctx.refusals.length ? `${count} records imported, ${ctx.refusals.length} parts refused` : null;
  }

  missing(vaultItemIds: string[]): Set<string> {
    const db = this.vault.indexDb;
    return new Set(vaultItemIds.filter((id) => !get(db, sql`SELECT 1 AS x FROM items WHERE id = ${id}`)));
  }

  async eraseForDevice(_deviceId: string, vaultItemIds: string[]): Promise<void> {
    await this.vault.destroyItems(vaultItemIds);
  }

  afterWrites<T>(fn: () => T): Promise<T> {
    return this.vault.afterWrites(fn);
  }

  async openOriginal(vaultItemId: string): Promise<Readable | null> {
    if (this.missing([vaultItemId]).size) return null;
    return this.vault.readFile(vaultItemId, 'original');
  }
}
