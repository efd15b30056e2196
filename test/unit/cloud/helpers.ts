// Shared setup for the cloud tests: start each kind of target on 127.0.0.1 (behind the
// fault proxy when asked) and give back a CloudTarget plus a way to stop everything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderTarget } from '../../../main/core/cloud/folder-target';
import { S3Target } from '../../../main/core/cloud/s3-target';
import type { CloudTarget, TargetKind } from '../../../main/core/cloud/target';
import { WebDavTarget } from '../../../main/core/cloud/webdav-target';
import { startFaultProxy, type FaultOptions, type FaultProxy } from '../../support/fault-proxy';
import { startS3Server } from '../../support/s3-server';
import { startWebDavServer } from '../../support/webdav-server';

export interface TargetRig {
  kind: TargetKind;
  target: CloudTarget;
  proxy: FaultProxy | null;
  /** The server's (or proxy's) address; '' for a folder. */
  url: string;
  /** Where the objects end up on disk (for tampering in tests). */
  directory: string;
  /** A second, fresh CloudTarget on the same storage (a "new computer"). */
  reopen(): CloudTarget;
  close(): Promise<void>;
}

export async function startRig(kind: TargetKind, options: { proxy?: FaultOptions; listPageSize?: number } = {}): Promise<TargetRig> {
  if (kind === 'folder') {
    const dir = mkdtempSync(join(tmpdir(), 'keepsake-folder-target-'));
    const make = (): CloudTarget => new FolderTarget(dir);
    const target = make();
    return { kind, target, proxy: null, url: '', directory: dir, reopen: make, close: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (kind === 's3') {
    const server = await startS3Server();
    const proxy = options.proxy ? await startFaultProxy(server.endpoint, options.proxy) : null;
    const make = (): CloudTarget =>
      new S3Target({ endpoint: proxy?.url ?? server.endpoint, bucket: server.bucket, prefix: 'vault', pathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, listPageSize: options.listPageSize ?? 1000, requestTimeoutMs: 10_000 });
    const target = make();
    return {
      kind,
      target,
      proxy,
      url: proxy?.url ?? server.endpoint,
      directory: server.directory,
      reopen: make,
      close: async () => {
        await target.close();
        await proxy?.close();
        await server.close();
      },
    };
  }
  const server = await startWebDavServer();
  const proxy = options.proxy ? await startFaultProxy(server.url, options.proxy) : null;
  const make = (): CloudTarget => new WebDavTarget({ url: proxy?.url ?? server.url, username: server.username, password: server.password });
  const target = make();
  return {
    kind,
    target,
    proxy,
    url: proxy?.url ?? server.url,
    directory: server.directory,
    reopen: make,
    close: async () => {
      await target.close();
      await proxy?.close();
      await server.close();
    },
  };
}

export const ALL_KINDS: TargetKind[] = ['folder', 's3', 'webdav'];

export function hexName(i: number, tag = 'a'): string {
  return `${tag}${i.toString(16).padStart(8, '0')}`.padEnd(64, '0');
}
