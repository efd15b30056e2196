// The caps every container import runs under. [Note: Archive limits] Sizes written in an
// archive are hostile (zip bombs lie about uncompressedSize; a 42 KB file can expand to
// petabytes through nesting), so each limit is enforced on bytes ACTUALLY produced while
// inflating, not on what headers claim. Exceeding one ends the archive with
// "archive exceeds limits" (UNSUPPORTED); entries already imported stay imported.

export interface ArchiveLimits {
  /** Total inflated bytes across one archive (including nested archives). */
  maxTotalBytes: number;
  /** Inflated bytes of one entry. */
  maxEntryBytes: number;
  /** Entries in one archive. */
  maxEntries: number;
  /** Inflated/compressed ratio allowed per entry once past ratioGraceBytes. */
  maxRatio: number;
  ratioGraceBytes: number;
  /** How deep zip-in-zip (or tgz-in-zip) is followed; deeper archives are kept as files. */
  maxNesting: number;
  /** Longest entry name accepted (bytes of UTF-8). */
  maxNameBytes: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxTotalBytes: 256 * 1024 ** 3, // 256 GiB: bigger than any real Takeout, small enough to stop a bomb
  maxEntryBytes: 16 * 1024 **3,
  maxEntries: 500_000, // ~100 MB of listing; a 1 M-entry zip is refused from its end record
  maxRatio: 200,
  ratioGraceBytes: 8 * 1024 * 1024,
  maxNesting: 2,
  maxNameBytes: 1024,
};

/**
 * Entries up to this size are handed to the vault as bytes in memory, so they stay valid
 * after the container closes (the import job flushes its last batch after the importer has
 * finished). Larger entries are opened lazily; see [Note: Staging lifetime].
 */
export const INLINE_ENTRY_BYTES = 16 * 1024 * 1024;

/** Tracks inflated bytes across one archive tree. */
export class ByteBudget {
  private used = 0;
  constructor(readonly limits: ArchiveLimits) {}
  get total(): number {
    return this.used;
  }
  add(n: number): void {
    this.used += n;
    if (this.used > this.limits.maxTotalBytes) throw archiveTooBig(`more than ${formatBytes(this.limits.maxTotalBytes)} when unpacked`);
  }
}

import { KeepsakeError } from '../../../../common/errors';

export function archiveTooBig(what: string): KeepsakeError {
  return new KeepsakeError('UNSUPPORTED', `The archive exceeds limits (${what}); it looks like a zip bomb or is damaged. Entries read before this point were kept.`);
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${Math.round(n / 1024 ** 3)} GB`;
  if (n >= 1024 ** 2) return `${Math.round(n / 1024 ** 2)} MB`;
  return `${n} bytes`;
}
