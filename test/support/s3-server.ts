// An S3-compatible server for tests and benchmarks: s3rver 3.7.1 started in-process on
// 127.0.0.1 with a free port and its own temporary directory, with the buckets asked for.
// Credentials are s3rver's fixed S3RVER/S3RVER. close() stops it and removes the data.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** The node:http(s) server s3rver listens with (set by run()). */
  httpServer?: { closeAllConnections(): void };
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3TestServer {
  /** http://127.0.0.1:<port> (https with `tls`) */
  endpoint: string;
  port: number;
  accessKeyId: string;
  secretAccessKey: string;
  /** The bucket created at start (the first of `buckets`). */
  bucket: string;
  /** Where s3rver keeps its files (tests may tamper with objects here). */
  directory: string;
  close(): Promise<void>;
}

export async function startS3Server(options: { buckets?: string[]; port?: number; tls?: { key: string; cert: string } } = {}): Promise<S3TestServer> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;
  const directory = mkdtempSync(join(tmpdir(), 'keepsake-s3rver-'));
  const buckets = options.buckets ?? ['keepsake-test'];
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    vhostBuckets: false,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
  });
  const addr = await server.run();
  let closed = false;
  return {
    endpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${addr.port}`,
    port: addr.port,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    bucket: buckets[0] ?? 'keepsake-test',
    directory,
    async close() {
      if (closed) return;
      closed = true;
      // close() waits for every open connection to end; one a killed or cut-off client left
      // half-way (a request whose body never arrives) held a CI run's teardown for the
      // 180 s hook timeout. This is a test server: end them all first.
      server.httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
