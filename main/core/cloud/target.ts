// The CloudTarget port: the few storage operations the mirror needs, implemented once per
// kind of storage (S3-compatible, WebDAV, folder). Every adapter promises the same things,
// which the shared contract suite (test/unit/cloud/target-contract.test.ts) checks:
// - put is atomic to readers (a reader sees the old object or the whole new one) and
//   returns the size and SHA-256 of what was sent;
// - get of a missing object is a NOT_FOUND KeepsakeError, never an empty body;
// - list returns every object or throws: a failed or inconsistent page is an error,
//   never "nothing there" [Note: A failed listing is not an empty one];
// - delete is idempotent and removes every version the target keeps.
import type { Readable } from 'node:stream';
import { KeepsakeError } from '../../../common/errors';
import type { Digests } from './hashing';

export type TargetKind = 's3' | 'webdav' | 'folder';

export interface ObjectInfo {
  /** The object's name relative to the target's prefix/folder. */
  name: string;
  size: number;
  /** Last-modified time in ms since the epoch, as the server reports it. */
  modifiedAt: number;
  /** A server-side checksum if the target offers one (S3: the ETag, quotes removed). */
  etag?: string;
}

export interface PutResult {
  size: number;
  /** SHA-256 (hex) of the bytes sent. */
  sha256: string;
  /** MD5 (hex) of the bytes sent, for comparison with an S3 ETag. */
  md5: string;
  /** The server's checksum for the stored object, when it returns one. */
  etag?: string;
}

export interface Range {
  /** First byte (inclusive). */
  start: number;
  /** Last byte (inclusive). */
  end: number;
}

export interface TargetCapabilities {
  kind: TargetKind;
  /** The server returns a checksum (ETag) that can be compared with the local MD5. */
  serverChecksum: boolean;
  /** Old versions of an object may be kept by the server (S3 versioning). */
  versioned: boolean | 'unknown';
  /** Objects can be locked against deletion for a retention period. */
  objectLock: boolean | 'unknown';
}

/** What every put accepts: a buffer (retries can resend it) or a factory for a fresh stream. */
export type Body = Buffer | (() => Readable);

/** What a target holds under a name, read back and hashed by the target itself. */
export interface StoredDigest {
  size: number;
  /** SHA-256 (hex) of the stored bytes. */
  sha256: string;
}

export interface CloudTarget {
  readonly kind: TargetKind;
  /** A short description for people: "S3 bucket photos at https://s3.example.com". No secrets. */
  readonly description: string;
  capabilities(): Promise<TargetCapabilities>;
  /**
   * `known`: the size, SHA-256 and MD5 of a Buffer body, when the caller hashed it already
   * (the mirror does, once per object); the target then trusts them instead of hashing the
   * same bytes again. Ignored for stream bodies.
   */
  put(name: string, body: Body, size: number, signal?: AbortSignal, known?: Digests): Promise<PutResult>;
  get(name: string, range?: Range, signal?: AbortSignal): Promise<Buffer>;
  /** null when the object does not exist; throws on any other failure. */
  head(name: string, signal?: AbortSignal): Promise<ObjectInfo | null>;
  /** Every object whose name starts with `prefix`, across all pages. */
  list(prefix?: string, signal?: AbortSignal): Promise<ObjectInfo[]>;
  /** Removes the object and, where the target keeps versions, every version of it. */
  delete(name: string, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: reads the object back and hashes it while it streams (null when missing) —
   * cheaper than get() for verifying an upload on a target without server checksums.
   */
  digest?(name: string, signal?: AbortSignal): Promise<StoredDigest | null>;
  /** Aborts multipart uploads left by an interrupted run; returns how many were aborted. */
  abortOrphanedUploads?(olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Object names the mirror uses are lowercase hex (keyed MACs) — nothing else is accepted. */
export function checkObjectName(name: string): void {
  if (!/^[a-z0-9][a-z0-9._-]{0,199}$/.test(name)) {
    throw new KeepsakeError('INTERNAL', 'Keepsake refused to use an unexpected cloud object name.');
  }
}
