// Put-then-verify against a real s3rver: when the PUT's answer already carries the MD5 of
// what we sent as its ETag, no HEAD or read-back follows; when the ETag is opaque (as with
// SSE-KMS) or names other bytes, the object is checked by HEAD and read back, and a
// damaged copy is sent again. ObservedTarget wraps the real target, counts the requests
// and plays the provider's part (rewriting ETags, damaging a body on the way out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestsOf } from '../../../main/core/cloud/hashing';
import { putProvesContent, verifiedPut } from '../../../main/core/cloud/mirror/verify-upload';
import type { PutResult, TargetCapabilities } from '../../../main/core/cloud/target';
import { pseudoRandom } from '../vault/helpers';
import { hexName, startRig, type TargetRig } from './helpers';
import { fastRetry } from './mirror-helpers';
import { ObservedTarget, opaque } from './observed-target';

describe('verifiedPut on S3', () => {
  let rig: TargetRig;
  let caps: TargetCapabilities;
  beforeAll(async () => {
    rig = await startRig('s3');
    caps = await rig.target.capabilities();
  });
  afterAll(async () => {
    await rig.close();
  });
  const data = pseudoRandom(300_000, 61);
  const digests = digestsOf(data);

  it('trusts a PUT whose ETag is the MD5 of what was sent: no HEAD, no read-back', async () => {
    const t = new ObservedTarget(rig.target);
    const up = await verifiedPut(t, caps, hexName(1, 'v'), data, fastRetry, undefined, undefined, digests);
    expect(up).toEqual({ name: hexName(1, 'v'), size: data.length, sha256: digests.sha256 });
    expect({ puts: t.puts, heads: t.heads, gets: t.gets }).toEqual({ puts: 1, heads: 0, gets: 0 });
    expect((await rig.target.get(hexName(1, 'v'))).equals(data)).toBe(true);
  });

  it('with opaque (SSE-KMS-like) ETags, checks by HEAD and reads the object back', async () => {
    const t = new ObservedTarget(rig.target, { opaqueEtags: true });
    await verifiedPut(t, caps, hexName(2, 'v'), data, fastRetry, undefined, undefined, digests);
    expect({ puts: t.puts, heads: t.heads, gets: t.gets }).toEqual({ puts: 1, heads: 1, gets: 1 });
  });

  it.each([false, true])('a damaged body (opaque ETags: %s) is caught after the PUT and sent again', async (opaqueEtags) => {
    const t = new ObservedTarget(rig.target, { opaqueEtags, damageFirstPuts: 1 });
    await verifiedPut(t, caps, hexName(3, opaqueEtags ? 'o' : 'p'), data, fastRetry, undefined, undefined, digests);
    expect(t.puts).toBe(2);
    expect(t.heads).toBeGreaterThanOrEqual(1);
    expect((await rig.target.get(hexName(3, opaqueEtags ? 'o' : 'p'))).equals(data)).toBe(true);
  });

  it('putProvesContent accepts only a plain MD5 ETag equal to the MD5 sent, on S3', () => {
    const put: PutResult = { ...digests, etag: digests.md5 };
    expect(putProvesContent(caps, put, digests)).toBe(true);
    expect(putProvesContent(caps, { ...put, etag: `${digests.md5}-2` }, digests)).toBe(false); // multipart
    expect(putProvesContent(caps, { ...put, etag: opaque(digests.md5) }, digests)).toBe(false);
    expect(putProvesContent(caps, { ...digests }, digests)).toBe(false); // no ETag
    expect(putProvesContent(caps, put, { ...digests, size: digests.size + 1 })).toBe(false);
    expect(putProvesContent({ ...caps, serverChecksum: false }, put, digests)).toBe(false);
    expect(putProvesContent({ ...caps, kind: 'webdav' }, put, digests)).toBe(false);
    expect(putProvesContent(caps, { ...put, md5: '', etag: '' }, { ...digests, md5: '' })).toBe(false);
  });
});
