// A CloudTarget around a real one (s3rver in the tests) that counts the requests the mirror
// makes and can play a provider's part: ETags that are not MD5s of the content (as with
// SSE-KMS), or a body damaged on its way to the disk.
import { createHash } from 'node:crypto';
import type { Digests } from '../../../main/core/cloud/hashing';
import type { Body, CloudTarget, ObjectInfo, PutResult, Range, TargetCapabilities } from '../../../main/core/cloud/target';

/** A provider whose ETags are not MD5s of the content (SSE-KMS): the same opaque value in PUT and HEAD. */
export const opaque = (etag: string): string => createHash('md5').update(`kms:${etag}`).digest('hex');

export class ObservedTarget implements CloudTarget {
  readonly kind;
  readonly description = 'observed target';
  puts = 0;
  heads = 0;
  gets = 0;
  /** The names HEAD was asked about, in order. */
  readonly headNames: string[] = [];
  constructor(
    private readonly inner: CloudTarget,
    private readonly opts: { opaqueEtags?: boolean; damageFirstPuts?: number } = {},
  ) {
    this.kind = inner.kind;
  }
  capabilities(): Promise<TargetCapabilities> {
    return this.inner.capabilities();
  }
  async put(name: string, body: Body, size: number, signal?: AbortSignal, known?: Digests): Promise<PutResult> {
    this.puts++;
    let sent = body;
    if (Buffer.isBuffer(body) && this.puts <= (this.opts.damageFirstPuts ?? 0)) {
      // A byte flipped between us and the disk; the hashes still describe the original.
      sent = Buffer.from(body);
      sent[sent.length >> 1]! ^= 0x40;
    }
    const out = await this.inner.put(name, sent, size, signal, known);
    return this.opts.opaqueEtags && out.etag ? { ...out, etag: opaque(out.etag) } : out;
  }
  get(name: string, range?: Range, signal?: AbortSignal): Promise<Buffer> {
    this.gets++;
    return this.inner.get(name, range, signal);
  }
  async head(name: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    this.heads++;
    this.headNames.push(name);
    const out = await this.inner.head(name, signal);
    return this.opts.opaqueEtags && out?.etag ? { ...out, etag: opaque(out.etag) } : out;
  }
  list(prefix?: string, signal?: AbortSignal): Promise<ObjectInfo[]> {
    return this.inner.list(prefix, signal);
  }
  delete(name: string, signal?: AbortSignal): Promise<void> {
    return this.inner.delete(name, signal);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
