// RELIABILITY row 12 (multipart upload interrupted): a big object goes up through
// S3Target's multipart path (lib-storage, 5 MiB parts) to s3rver on 127.0.0.1; the
// uploading process is SIGKILLed once parts are stored. Then: nothing is visible under
// the object's name (no partial object); ListMultipartUploads shows the orphan; a rerun
// uploads the object again (lib-storage restarts) and it reads back hash-equal; the
// mirror's clean-up of orphans (abortOrphanedUploads, run at the start of every sync)
// spares an upload younger than its cut-off and aborts it once older, leaving none; the
// conformance check run when the target is added names the lifecycle rule to set.
// s3rver lacks ListMultipartUploads/AbortMultipartUpload: multipart/uploads-shim.ts adds
// them over s3rver's own upload folders. 16 MB in `npm test`; 200 MB with
// KEEPSAKE_RELIABILITY=1.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConformance } from '../../main/core/cloud/conformance';
import { S3Target } from '../../main/core/cloud/s3-target';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { recordFigures } from './harness/figures';
import { patternSha256 } from './multipart/pattern';
import { startUploadsShim, type UploadsShim } from './multipart/uploads-shim';

const SIZE = (process.env.KEEPSAKE_RELIABILITY === '1' ? 200 : 16) * 1024 * 1024;
const NAME = 'ab'.repeat(32);
let server: S3TestServer | null = null;
let shim: UploadsShim | null = null;
afterAll(async () => {
  await shim?.close();
  await server?.close();
});

/** Runs the uploader; with `killWhen`, SIGKILLs it as soon as that returns true (polled). */
function upload(endpoint: string, bucket: string, killWhen?: () => boolean): Promise<{ killed: boolean; sha256?: string }> {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'tsx.mjs'), join(import.meta.dirname, 'multipart', 'upload-child.ts'), endpoint, bucket, NAME, String(SIZE)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const poll = killWhen
    ? setInterval(() => {
        if (killWhen()) child.kill('SIGKILL');
      }, 25)
    : undefined;
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') return resolve({ killed: true });
      const done = /DONE ([0-9a-f]{64})/.exec(out);
      if (code !== 0 || !done) return reject(new Error(`uploader failed (${code}): ${err.slice(-1500)}`));
      resolve({ killed: false, sha256: done[1]! });
    });
  });
}

describe('row 12: multipart upload interrupted', () => {
  it(`a ${SIZE / 1024 / 1024} MB multipart upload killed mid-way leaves no partial object, completes on rerun, and its orphan is aborted`, async () => {
    server = await startS3Server();
    shim = await startUploadsShim(server.endpoint, server.directory, server.bucket);
    const target = new S3Target({ endpoint: shim.url, bucket: server.bucket, prefix: 'vault', pathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, requestTimeoutMs: 60_000 });
    const s = shim;

    const first = await upload(shim.url, server.bucket, () => s.uploads().some((u) => u.parts >= 2));
    expect(first.killed).toBe(true);
    expect(await target.head(NAME)).toBeNull();
    const orphans = s.uploads();
    expect(orphans).toHaveLength(1);
    expect(orphans[0]!.key).toBe(`vault/${NAME}`);

    const again = await upload(shim.url, server.bucket);
    const expected = patternSha256(SIZE);
    expect(again.sha256).toBe(expected);
    expect((await target.head(NAME))?.size).toBe(SIZE);
    expect(createHash('sha256').update(await target.get(NAME)).digest('hex')).toBe(expected);

    // The sync's clean-up: a young upload may be another computer's, in progress.
    expect(await target.abortOrphanedUploads(24 * 3600 * 1000)).toBe(0);
    expect(s.uploads()).toHaveLength(1);
    expect(await target.abortOrphanedUploads(0)).toBe(1);
    expect(s.uploads()).toEqual([]);
    // Keepsake changes no bucket settings; adding the target tells the person which rule to add.
    const report = await checkConformance(target, { atomicBytes: 256 * 1024 });
    expect(report.checks.find((c) => c.id === 'multipart-cleanup')?.message).toContain('AbortIncompleteMultipartUpload');
    recordFigures('multipart-interrupted', { bytes: SIZE, partsBeforeKill: orphans[0]!.parts, orphansAborted: 1 });
    await target.close();
  }, 60_000 + (SIZE / 1024 / 1024) * 2_000);
});
