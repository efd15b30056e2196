// A cloud target described as plain JSON, so the kill-loop parent can hand the same target
// (a folder, or s3rver on 127.0.0.1 started by the parent) to its child process.
import { FolderTarget } from '../../../main/core/cloud/folder-target';
import { S3Target } from '../../../main/core/cloud/s3-target';
import type { CloudTarget } from '../../../main/core/cloud/target';

export type TargetSpec =
  | { kind: 'folder'; path: string }
  | { kind: 's3'; endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };

export function makeTarget(spec: TargetSpec): CloudTarget {
  if (spec.kind === 'folder') return new FolderTarget(spec.path);
  return new S3Target({ endpoint: spec.endpoint, bucket: spec.bucket, prefix: 'vault', pathStyle: true, accessKeyId: spec.accessKeyId, secretAccessKey: spec.secretAccessKey, listPageSize: 1000, requestTimeoutMs: 10_000 });
}
