// The IngestSink: the only thing the device gateway needs from the vault. The gateway
// hands it whole, hash-verified files; the sink stores them and reports a status per item
// only once they are durable (committed and fsynced) — the gateway acknowledges to the
// phone from these statuses and nothing else. vault-sink.ts adapts the real Vault.
import type { Readable } from 'node:stream';
import type { Category } from '../../../common/domain';

export interface IngestFile {
  name: string;
  mime: string;
  size: number;
  /** SHA-256 of the content, lower-case hex, already verified by the gateway. */
  sha256: string;
  /** Opens the plaintext content from the start; may be called more than once. */
  open(): Readable;
  /**
   * The whole content as one buffer, when the gateway holds it in memory: the vault then
   * cuts it in place instead of copying a stream into its chunking window. Not modified
   * while putItems runs.
   */
  data?: Buffer;
}

export interface IngestItem {
  deviceId: string;
  /** The device's stable id for the item (its path on the phone). */
  sourceKey: string;
  category: Category;
  occurredAt: number;
  title: string;
  fields: Record<string, unknown>;
  /** The content (photos, videos, exports); absent for small records such as a location report. */
  file?: IngestFile;
  location?: { lat: number; lon: number };
}

export type IngestStatus = 'stored' | 'duplicate' | 'tombstoned' | 'failed';

export interface IngestResult {
  sourceKey: string;
  status: IngestStatus;
  vaultItemId?: string;
  message?: string;
}

export interface IngestSink {
  /**
   * Stores a batch; resolves only when every 'stored'/'duplicate' result is durable.
   * onDurable, when given, runs once with the results (messages aside) inside the
   * transaction that makes them durable, so rows it writes (a phone's acks) commit with
   * the items, or fail with them [Note: Acks in the vault's transaction]. A sink that
   * cannot do that (exports, whose records are stored after the file) calls it once all
   * is durable; the gateway records its acks itself if the sink never called it.
   */
  putItems(batch: IngestItem[], onDurable?: (results: IngestResult[]) => void): Promise<IngestResult[]>;
  /** Which of these vault items no longer exist (the user erased them): the phone must not resend them. */
  missing(vaultItemIds: string[]): Set<string>;
  /** The user chose "deletions on the phone delete the archive" for this device: erase these. */
  eraseForDevice(deviceId: string, vaultItemIds: string[]): Promise<void>;
  /** Opens an item's original file for a restore to a phone, or null if it is gone. */
  openOriginal(vaultItemId: string): Promise<Readable | null>;
  /**
   * Runs a short synchronous write on the index in turn with the vault's own writes
   * (Vault.afterWrites), so the gateway's rows wait for a storage-worker batch without
   * freezing the event loop; resolves once it has committed. A sink without a queue omits
   * it and the rows are written at once.
   */
  afterWrites?<T>(fn: () => T): Promise<T>;
}
