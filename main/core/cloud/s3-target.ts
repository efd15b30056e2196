// S3Target: any S3-compatible store (AWS S3, Backblaze B2, Cloudflare R2, Wasabi, MinIO,
// Ceph RGW, s3rver in tests) through AWS SDK v3. Small objects are one PutObject with a
// Content-MD5 the server checks; large ones go through lib-storage's multipart Upload,
// which aborts its upload on failure (leavePartsOnError: false) so a retry starts clean,
// and abortOrphanedUploads() removes uploads a crashed run left behind.
// The SDK's own retries are off (maxAttempts 1): retries happen once, in withRetry, where
// they are bounded, jittered and honour Retry-After. Checksum calculation is
// WHEN_REQUIRED because many S3-compatible servers reject the newer CRC headers.
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KeepsakeError } from '../../../common/errors';
import type { Readable } from 'node:stream';
import { bodyStream, pipeInto, type TokenBucket } from './bandwidth';
import { ByteCounter, digestsOf, HashingStream, type Digests } from './hashing';
import { toCloudError } from './retry';
import { checkObjectName, type Body, type CloudTarget, type ObjectInfo, type PutResult, type Range, type TargetCapabilities } from './target';

export interface S3TargetOptions {
  endpoint?: string;
  region?: string;
  bucket: string;
  prefix?: string;
  pathStyle?: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  /** Objects at least this big go multipart. */
  multipartThreshold?: number;
  partSize?: number;
  /** Page size for LIST (tests use small pages to exercise pagination). */
  listPageSize?: number;
  requestTimeoutMs?: number;
  /** PEM of a private CA to trust (a self-hosted MinIO/Ceph with its own certificate). */
  caCertificate?: string;
}

const MiB = 1024 * 1024;
/** Connections per target: above the mirror's uploads at once (8) plus a verify each. */
const MAX_SOCKETS = 32;

export class S3Target implements CloudTarget {
  readonly kind = 's3' as const;
  readonly description: string;
  private readonly client: S3Client;
  private readonly prefix: string;
  private caps: TargetCapabilities | null = null;

  constructor(
    private readonly opts: S3TargetOptions,
    private readonly bucket: TokenBucket | null = null,
  ) {
    this.prefix = normalizePrefix(opts.prefix ?? '');
    this.description = `S3 bucket ${opts.bucket}${this.prefix ? `/${this.prefix}` : ''}${opts.endpoint ? ` at ${new URL(opts.endpoint).host}` : ''}`;
    const config: S3ClientConfig = {
      region: opts.region ?? 'us-east-1',
      forcePathStyle: opts.pathStyle ?? false,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      // Our own keep-alive agents, always: for a request carrying "Expect: 100-continue"
      // (by default every PUT over 2 MiB) the SDK otherwise builds a throwaway agent
      // without keep-alive — a new connection and TLS handshake per object — and then
      // waits a round trip for the 100 before sending. Without the header a refused PUT
      // costs one object's bytes, which the bounded retries already budget for.
      expectContinueHeader: false,
      requestHandler: {
        requestTimeout: opts.requestTimeoutMs ?? 120_000,
        connectionTimeout: 15_000,
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, ...(opts.caCertificate ? { ca: opts.caCertificate } : {}) }),
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      },
    };
    if (opts.endpoint) config.endpoint = opts.endpoint;
    this.client = new S3Client(config);
  }

  private key(name: string): string {
    checkObjectName(name);
    return this.prefix + name;
  }

  async capabilities(): Promise<TargetCapabilities> {
    if (this.caps) return this.caps;
    // Both settings at once: one round trip at the start of every sync, not two.
    const [versioned, objectLock] = await Promise.all([
      this.client.send(new GetBucketVersioningCommand({ Bucket: this.opts.bucket })).then(
        // "Suspended" still keeps the versions written while it was enabled.
        (v): TargetCapabilities['versioned'] => v.Status === 'Enabled' || v.Status === 'Suspended',
        (e: unknown): TargetCapabilities['versioned'] => {
          const err = s3Error(e, 'read the bucket versioning setting');
          if (err.details?.code === 'NotImplemented') return false;
          if (err.code !== 'UNAUTHORIZED') throw err;
          return 'unknown';
        },
      ),
      this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.opts.bucket })).then(
        (l): TargetCapabilities['objectLock'] => l.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled',
        (e: unknown): TargetCapabilities['objectLock'] => {
          const err = s3Error(e, 'read the bucket object-lock setting');
          const code = err.details?.code;
          if (code === 'ObjectLockConfigurationNotFoundError' || code === 'NotImplemented') return false;
          if (err.code !== 'UNAUTHORIZED') throw err;
          return 'unknown';
        },
      ),
    ]);
    this.caps = { kind: 's3', serverChecksum: true, versioned, objectLock };
    return this.caps;
  }

  async put(name: string, body: Body, size: number, signal?: AbortSignal, known?: Digests): Promise<PutResult> {
    const Key = this.key(name);
    const threshold = this.opts.multipartThreshold ?? 64 * MiB;
    const limited = this.bucket !== null && this.bucket.limit > 0;
    const opts = signal ? { abortSignal: signal } : {};
    try {
      if (size < threshold) {
        if (Buffer.isBuffer(body)) {
          // One request. Content-MD5 makes a server that checks it refuse a damaged body;
          // the SHA-256 the caller already has is the signed payload hash (see below).
          const d = known?.size === body.length ? known : digestsOf(body);
          const Body = limited ? bodyStream(body, this.bucket, signal) : body;
          const command = new PutObjectCommand({ Bucket: this.opts.bucket, Key, Body, ContentLength: size, ContentMD5: Buffer.from(d.md5, 'hex').toString('base64') });
          withPayloadHash(command, d.sha256);
          const out = await this.client.send(command, opts);
          return withEtag(d, out.ETag);
        }
        if (known?.size === size) {
          // A stream whose hashes the caller computed beforehand (the mirror's packs, read
          // from disk): the same headers as a buffer, and only a byte count on the way.
          const counter = new ByteCounter();
          const Body = pipeInto(bodyStream(body, this.bucket, signal), counter);
          const command = new PutObjectCommand({ Bucket: this.opts.bucket, Key, Body, ContentLength: size, ContentMD5: Buffer.from(known.md5, 'hex').toString('base64') });
          withPayloadHash(command, known.sha256);
          const out = await sendWithBody(Body, signal, (o) => this.client.send(command, o));
          if (counter.bytes !== size) throw new KeepsakeError('NETWORK', `Sent ${counter.bytes} bytes but expected ${size}.`, { retryable: true });
          return withEtag(known, out.ETag);
        }
        const hasher = new HashingStream();
        const stream = pipeInto(bodyStream(body, this.bucket, signal), hasher);
        const command = new PutObjectCommand({ Bucket: this.opts.bucket, Key, Body: stream, ContentLength: size });
        const out = await sendWithBody(stream, signal, (o) => this.client.send(command, o));
        return withEtag(hasher.digests(), out.ETag);
      }
      const hasher = new HashingStream();
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.opts.bucket, Key, Body: pipeInto(bodyStream(body, this.bucket, signal), hasher), ContentLength: size },
        partSize: Math.max(5 * MiB, this.opts.partSize ?? 8 * MiB),
        queueSize: 4,
        leavePartsOnError: false,
      });
      const onAbort = (): void => void upload.abort().catch(() => undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const out = await upload.done();
        const d = hasher.digests();
        if (d.size !== size) throw new KeepsakeError('NETWORK', `Sent ${d.size} bytes but expected ${size}.`, { retryable: true });
        return withEtag(d, 'ETag' in out ? out.ETag : undefined);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    } catch (e) {
      throw s3Error(e, 'upload an object');
    }
  }

  async get(name: string, range?: Range, signal?: AbortSignal): Promise<Buffer> {
    const Key = this.key(name);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }), signal ? { abortSignal: signal } : {});
      if (!out.Body) throw new KeepsakeError('NETWORK', 'The target sent no body.', { retryable: true });
      let bytes = Buffer.from(await out.Body.transformToByteArray());
      // A body shorter than the declared length is a cut connection, never a short object.
      if (out.ContentLength !== undefined && bytes.length !== out.ContentLength) {
        throw new KeepsakeError('NETWORK', `Could not download an object: got ${bytes.length} of ${out.ContentLength} bytes.`, { retryable: true });
      }
      // A server may ignore or widen a Range (s3rver sends everything for bytes=0-0):
      // cut what was asked for out of what was sent.
      if (range) {
        const m = /^bytes (\d+)-(\d+)\//.exec(out.ContentRange ?? '');
        const sentFrom = m ? Number(m[1]) : 0;
        if (sentFrom > range.start) throw new KeepsakeError('NETWORK', 'The target sent the wrong part of an object.', { retryable: true });
        bytes = bytes.subarray(range.start - sentFrom, range.end - sentFrom + 1);
      }
      return bytes;
    } catch (e) {
      throw s3Error(e, 'download an object');
    }
  }

  async head(name: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    const Key = this.key(name);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key }), signal ? { abortSignal: signal } : {});
      const info: ObjectInfo = { name, size: out.ContentLength ?? 0, modifiedAt: out.LastModified?.getTime() ?? 0 };
      if (out.ETag) info.etag = out.ETag.replace(/"/g, '');
      return info;
    } catch (e) {
      const err = s3Error(e, 'check an object');
      if (err.code === 'NOT_FOUND' && err.details?.code !== 'NoSuchBucket') return null;
      throw err;
    }
  }

  async list(prefix = '', signal?: AbortSignal): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let lastKey = '';
    // ListObjects (v1) paged by Marker = the last key seen: every S3-compatible server
    // has it, it needs no opaque server state, and it makes "keys only ever increase" a
    // check on every page. (V2's continuation tokens in s3rver need DES, which OpenSSL 3
    // refuses, so any listing longer than one page failed there.)
    for (;;) {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsCommand({ Bucket: this.opts.bucket, Prefix: this.prefix + prefix, MaxKeys: this.opts.listPageSize ?? 1000, ...(lastKey ? { Marker: lastKey } : {}) }),
          signal ? { abortSignal: signal } : {},
        );
      } catch (e) {
        throw s3Error(e, 'list the bucket');
      }
      const contents = page.Contents ?? [];
      // [Note: A failed listing is not an empty one] Every sign of a damaged page fails
      // the whole listing, so nothing downstream (GC above all) acts on part of it.
      if (page.MaxKeys !== undefined && contents.length > page.MaxKeys) throw incomplete('a page holds more objects than asked for');
      for (const c of contents) {
        if (!c.Key || c.Key <= lastKey) throw incomplete('the objects are out of order');
        lastKey = c.Key;
        const info: ObjectInfo = { name: c.Key.slice(this.prefix.length), size: c.Size ?? 0, modifiedAt: c.LastModified?.getTime() ?? 0 };
        if (c.ETag) info.etag = c.ETag.replace(/"/g, '');
        out.push(info);
      }
      if (!page.IsTruncated) return out;
      if (contents.length === 0) throw incomplete('a page says more follow but is empty');
    }
  }

  async delete(name: string, signal?: AbortSignal): Promise<void> {
    const Key = this.key(name);
    const opts = signal ? { abortSignal: signal } : {};
    try {
      const caps = await this.capabilities();
      if (caps.versioned !== false) {
        // Delete every version and delete marker of this exact key; a plain DELETE on a
        // versioned bucket only hides the object behind a marker.
        let keyMarker: string | undefined;
        let versionMarker: string | undefined;
        for (;;) {
          const page = await this.client.send(new ListObjectVersionsCommand({ Bucket: this.opts.bucket, Prefix: Key, ...(keyMarker ? { KeyMarker: keyMarker } : {}), ...(versionMarker ? { VersionIdMarker: versionMarker } : {}) }), opts);
          const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter((v) => v.Key === Key);
          for (const v of versions) await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }), opts);
          if (!page.IsTruncated) break;
          if (!page.NextKeyMarker && !page.NextVersionIdMarker) throw incomplete('the version listing stopped early');
          keyMarker = page.NextKeyMarker;
          versionMarker = page.NextVersionIdMarker;
        }
      }
      await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key }), opts);
    } catch (e) {
      const err = s3Error(e, 'delete an object');
      if (err.code === 'NOT_FOUND' && err.details?.code !== 'NoSuchBucket') return;
      if (err.details?.code === 'NotImplemented' && this.caps?.versioned === 'unknown') {
        this.caps = { ...this.caps, versioned: false };
        return this.delete(name, signal);
      }
      throw err;
    }
  }

  async abortOrphanedUploads(olderThanMs: number): Promise<number> {
    const cutoff = Date.now() - olderThanMs;
    let n = 0;
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    try {
      for (;;) {
        const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.opts.bucket, Prefix: this.prefix, ...(keyMarker ? { KeyMarker: keyMarker } : {}), ...(idMarker ? { UploadIdMarker: idMarker } : {}) }));
        for (const u of page.Uploads ?? []) {
          if (!u.Key || !u.UploadId || (u.Initiated && u.Initiated.getTime() > cutoff)) continue;
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.opts.bucket, Key: u.Key, UploadId: u.UploadId }));
          n++;
        }
        if (!page.IsTruncated) return n;
        keyMarker = page.NextKeyMarker;
        idMarker = page.NextUploadIdMarker;
        if (!keyMarker && !idMarker) return n;
      }
    } catch (e) {
      const err = s3Error(e, 'list unfinished uploads');
      // Servers without ListMultipartUploads (s3rver) cannot have their orphans found;
      // the conformance report says so, so the person can set a lifecycle rule instead.
      if (err.details?.code === 'NotImplemented') return 0;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function normalizePrefix(p: string): string {
  const t = p.replace(/^\/+|\/+$/g, '');
  return t ? `${t}/` : '';
}

/**
 * SigV4 signs a SHA-256 of the payload. Given none, the SDK hashes a Buffer body itself —
 * a second full pass over every byte, on the event loop. We already hold that hash, so it
 * goes in the x-amz-content-sha256 header (before signing); AWS S3 checks it against the
 * body and refuses a mismatch, so it is also one more integrity check, for free.
 */
function withPayloadHash(command: PutObjectCommand, sha256Hex: string): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-content-sha256'] = sha256Hex;
      return next(args);
    },
    { step: 'build', name: 'keepsakePayloadHash' },
  );
}

function withEtag(d: { size: number; sha256: string; md5: string }, etag: string | undefined): PutResult {
  return etag ? { ...d, etag: etag.replace(/"/g, '') } : { ...d };
}

function incomplete(why: string): KeepsakeError {
  return new KeepsakeError('NETWORK', `The bucket listing was incomplete (${why}); nothing was concluded from it.`, { retryable: true, incompleteListing: true });
}

/** Reads status, error code and Retry-After off an SDK error. */
/**
 * Sends a request whose body is a stream. The SDK pipes the body into the request without
 * passing its errors on, so a body that fails mid-read (a pack deleted by a compaction, a
 * failing disk) left the request waiting for its timeout with an unhandled 'error'. Here
 * the failure aborts the request and is the error the caller sees.
 */
async function sendWithBody<T>(body: Readable, signal: AbortSignal | undefined, send: (opts: { abortSignal: AbortSignal }) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let failure: unknown = null;
  const onAbort = (): void => ac.abort(signal?.reason);
  if (signal?.aborted) ac.abort(signal.reason);
  else signal?.addEventListener('abort', onAbort, { once: true });
  body.on('error', (e: Error) => {
    failure ??= e;
    ac.abort(e);
  });
  try {
    return await send({ abortSignal: ac.signal });
  } catch (e) {
    throw failure ?? e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

export function s3Error(e: unknown, what: string): KeepsakeError {
  if (e instanceof KeepsakeError) return e;
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
  const status = err.$metadata?.httpStatusCode;
  const code = err.Code ?? (err.name && err.name !== 'Error' && err.name !== 'S3ServiceException' ? err.name : undefined);
  const http: { status?: number; code?: string; retryAfter?: string | null } = { retryAfter: err.$response?.headers?.['retry-after'] ?? null };
  if (status !== undefined) http.status = status;
  if (code !== undefined) http.code = code;
  const out = toCloudError(e, what, http);
  if (code === 'NotImplemented') return new KeepsakeError('UNSUPPORTED', `Could not ${what}: the server does not support it.`, { status, code });
  return out;
}
