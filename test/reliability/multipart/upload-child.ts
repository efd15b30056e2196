// The uploader of the multipart test (RELIABILITY row 12; not a test file): puts one big
// object through S3Target's multipart path (lib-storage, 5 MiB parts) and prints DONE with
// the SHA-256 it sent. The parent SIGKILLs it mid-upload, then runs it again.
//   upload-child.ts <endpoint> <bucket> <name> <bytes>
import { writeSync } from 'node:fs';
import { S3Target } from '../../../main/core/cloud/s3-target';
import { patternStream } from './pattern';

const [endpoint, bucket, name, bytes] = process.argv.slice(2);
const size = Number(bytes);
const target = new S3Target({ endpoint: endpoint!, bucket: bucket!, prefix: 'vault', pathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', multipartThreshold: 6 * 1024 * 1024, partSize: 5 * 1024 * 1024, requestTimeoutMs: 60_000 });
writeSync(1, 'READY\n');
const r = await target.put(name!, () => patternStream(size), size);
writeSync(1, `DONE ${r.sha256}\n`);
await target.close();
