// The vault's public data shapes: what importers, phones and the UI hand in (NewItem) and
// what they get back. Plain data, no behaviour.
import type { Category } from '../../../common/domain';

export type FileRole = 'original' | 'thumbnail' | 'attachment';
export const FILE_ROLES: readonly FileRole[] = ['original', 'thumbnail', 'attachment'];

export interface NewFile {
  role: FileRole;
  name: string;
  mime: string;
  /** The bytes, or a factory for a stream (read once, chunked as it flows). */
  data: Buffer | (() => NodeJS.ReadableStream);
}

export interface NewItem {
  category: Category;
  /** The device it came from; the local computer when omitted. */
  deviceId?: string;
  /** A stable natural id from the source (a message id, a path): the same key again is the same item. */
  sourceKey: string;
  /** Milliseconds since the epoch. */
  occurredAt?: number;
  title?: string;
  /** Text for search and display (message body, note text). */
  text?: string;
  fields: Record<string, unknown>;
  personal: boolean;
  files?: NewFile[];
  location?: { lat: number; lon: number };
}

export type PutStatus = 'added' | 'duplicate' | 'tombstoned' | 'updated';

export interface PutResult {
  /** The item id; for 'tombstoned' the empty string (nothing was stored). */
  id: string;
  status: PutStatus;
  /** The item's current version after this put (0 when tombstoned). */
  version: number;
}

export interface FileInfo {
  role: FileRole;
  ordinal: number;
  name: string;
  mime: string;
  size: number;
}

export interface ItemSummary {
  id: string;
  category: Category;
  deviceId: string;
  personal: boolean;
  occurredAt: number | null;
  title: string;
  summary: string;
  version: number;
  updatedAt: number;
}

export interface ItemRecord extends ItemSummary {
  text: string;
  fields: Record<string, unknown>;
  location: { lat: number; lon: number } | null;
  files: FileInfo[];
  sources: Array<{ deviceId: string; sourceKey: string }>;
  createdAt: number;
}

export interface ItemQuery {
  category?: Category;
  deviceId?: string;
  personal?: boolean;
  /** Newest first by occurredAt, then by insertion. */
  limit?: number;
  /** Opaque cursor from the last page (the last item's seq). */
  after?: number;
}

export interface ItemUpdate {
  title?: string;
  text?: string;
  fields?: Record<string, unknown>;
  occurredAt?: number;
  location?: { lat: number; lon: number };
  files?: NewFile[];
}

export interface SearchHit {
  id: string;
  category: Category;
  title: string;
  summary: string;
  occurredAt: number | null;
  rank: number;
}

export interface SnapshotInfo {
  id: number;
  deviceId: string;
  kind: string;
  label: string;
  source: string;
  createdAt: number;
  itemCount: number;
  totalBytes: number;
}

export interface CheckProblem {
  kind: 'index' | 'missing-pack' | 'pack-header' | 'chunk' | 'structure';
  message: string;
  packId?: string;
  itemIds?: string[];
}

export interface CheckReport {
  ok: boolean;
  readData: boolean;
  subset: string | null;
  packsChecked: number;
  chunksChecked: number;
  bytesRead: number;
  problems: CheckProblem[];
  /** Items touched by any problem, with a name a person can recognise. */
  affectedItems: Array<{ id: string; title: string; category: string }>;
}

export interface VaultStats {
  vaultId: string;
  items: number;
  byCategory: Record<string, number>;
  files: number;
  logicalBytes: number;
  storedBytes: number;
  packs: number;
  chunks: number;
  snapshots: number;
  lastSnapshotAt: number | null;
  tombstones: number;
}

export interface BackupReport {
  snapshotId: number;
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  tombstoned: number;
  skipped: number;
  bytesRead: number;
  bytesTotal: number;
}

export interface CompactReport {
  packsRewritten: number;
  packsDeleted: number;
  bytesFreed: number;
  orphansRemoved: number;
}
