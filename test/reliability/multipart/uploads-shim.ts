// The two multipart calls s3rver 3.7.1 answers with NotImplemented, added in front of it
// for RELIABILITY row 12 (not a test file): ListMultipartUploads (GET /<bucket>?uploads)
// and AbortMultipartUpload (DELETE /<bucket>/<key>?uploadId=…), answered from s3rver's own
// on-disk upload folders (<dir>/<bucket>/._S3rver_uploads/<id>/{key,1,2,…}). Everything
// else is passed through to s3rver unchanged.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface UploadsShim {
  url: string;
  /** Unfinished uploads s3rver holds now: id → key and the parts stored so far. */
  uploads(): Array<{ id: string; key: string; parts: number }>;
  close(): Promise<void>;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startUploadsShim(s3rverUrl: string, directory: string, bucket: string): Promise<UploadsShim> {
  const root = join(directory, bucket, '._S3rver_uploads');
  const uploads = (): Array<{ id: string; key: string; parts: number; initiated: Date }> =>
    existsSync(root)
      ? readdirSync(root).flatMap((id) => {
          const dir = join(root, id);
          if (!existsSync(join(dir, 'key'))) return [];
          return [{ id, key: readFileSync(join(dir, 'key'), 'utf8'), parts: readdirSync(dir).filter((n) => /^\d+$/.test(n)).length, initiated: statSync(join(dir, 'key')).mtime }];
        })
      : [];
  const upstream = new URL(s3rverUrl);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.split('/').filter(Boolean);
    if (req.method === 'GET' && path.length === 1 && path[0] === bucket && url.searchParams.has('uploads')) {
      const prefix = url.searchParams.get('prefix') ?? '';
      const items = uploads().filter((u) => u.key.startsWith(prefix));
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
          items.map((u) => `<Upload><Key>${xml(u.key)}</Key><UploadId>${u.id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`).join('') +
          '</ListMultipartUploadsResult>',
      );
      return;
    }
    const uploadId = url.searchParams.get('uploadId');
    if (req.method === 'DELETE' && path[0] === bucket && uploadId && !url.searchParams.has('partNumber')) {
      const dir = join(root, uploadId);
      if (!/^[\w-]+$/.test(uploadId) || !existsSync(dir)) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>');
        return;
      }
      rmSync(dir, { recursive: true, force: true });
      res.writeHead(204);
      res.end();
      return;
    }
    // No keep-alive to s3rver: its close() waits for idle connections to time out.
    const up = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    // A client killed mid-request (the test's SIGKILL) must not leave s3rver waiting for
    // the rest of a body forever (its close() would wait too).
    req.on('close', () => {
      if (!req.complete) up.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploads: () => uploads().map(({ id, key, parts }) => ({ id, key, parts })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
