// The fields that describe a cloud target (S3-compatible, WebDAV, folder), shared by
// "Add a cloud target" and "Restore your vault from the cloud".
import { useState } from 'react';
import type { TargetSecrets, TargetSettings } from '../../../common/contract/cloud';

export interface TargetForm {
  kind: TargetSettings['kind'];
  endpoint: string;
  region: string;
  bucket: string;
  prefix: string;
  pathStyle: boolean;
  url: string;
  username: string;
  path: string;
  accessKeyId: string;
  secretAccessKey: string;
  password: string;
  allowInsecureHttp: boolean;
}

export const EMPTY_TARGET: TargetForm = { kind: 'folder', endpoint: '', region: '', bucket: '', prefix: '', pathStyle: false, url: '', username: '', path: '', accessKeyId: '', secretAccessKey: '', password: '', allowInsecureHttp: false };

export function useTargetForm(): { value: TargetForm; set(patch: Partial<TargetForm>): void; reset(): void } {
  const [value, setValue] = useState<TargetForm>(EMPTY_TARGET);
  return { value, set: (patch) => setValue((v) => ({ ...v, ...patch })), reset: () => setValue(EMPTY_TARGET) };
}

export function toRequest(f: TargetForm): { settings: TargetSettings; secrets: TargetSecrets } {
  const opt = <K extends string, V>(k: K, v: V | '' | false): Partial<Record<K, V>> => (v === '' || v === false ? {} : ({ [k]: v } as Record<K, V>));
  switch (f.kind) {
    case 's3':
      return {
        settings: { kind: 's3', bucket: f.bucket.trim(), ...opt('endpoint', f.endpoint.trim()), ...opt('region', f.region.trim()), ...opt('prefix', f.prefix.trim()), ...opt('pathStyle', f.pathStyle), ...opt('allowInsecureHttp', f.allowInsecureHttp) },
        secrets: { ...opt('accessKeyId', f.accessKeyId.trim()), ...opt('secretAccessKey', f.secretAccessKey) },
      };
    case 'webdav':
      return { settings: { kind: 'webdav', url: f.url.trim(), username: f.username.trim(), ...opt('allowInsecureHttp', f.allowInsecureHttp) }, secrets: { ...opt('password', f.password) } };
    case 'folder':
      return { settings: { kind: 'folder', path: f.path.trim() }, secrets: {} };
  }
}

const KINDS = [
  ['folder', 'Folder or drive'],
  ['s3', 'S3-compatible'],
  ['webdav', 'WebDAV'],
] as const;

export function TargetFields({ form }: { form: ReturnType<typeof useTargetForm> }) {
  const f = form.value;
  const text = (label: string, key: keyof TargetForm, extra: { type?: string; placeholder?: string; autoComplete?: string } = {}) => (
    <label className="field">
      <span>{label}</span>
      <input type={extra.type ?? 'text'} value={f[key] as string} placeholder={extra.placeholder} autoComplete={extra.autoComplete ?? 'off'} spellCheck={false} onChange={(e) => form.set({ [key]: e.target.value } as Partial<TargetForm>)} />
    </label>
  );
  return (
    <>
      <div className="segmented" role="radiogroup" aria-label="Kind of target">
        {KINDS.map(([k, label]) => (
          <label key={k} className={f.kind === k ? 'seg active' : 'seg'}>
            <input type="radio" name="kind" value={k} checked={f.kind === k} onChange={() => form.set({ kind: k })} />
            {label}
          </label>
        ))}
      </div>
      {f.kind === 'folder' ? text('Folder', 'path', { placeholder: '/media/backup/Keepsake' }) : null}
      {f.kind === 's3' ? (
        <>
          {text('Endpoint (leave empty for AWS)', 'endpoint', { placeholder: 'https://s3.eu-central-003.backblazeb2.com' })}
          <div className="row wrap">
            {text('Bucket', 'bucket')}
            {text('Region', 'region', { placeholder: 'us-east-1' })}
            {text('Prefix (optional)', 'prefix', { placeholder: 'keepsake/' })}
          </div>
          {text('Access key ID', 'accessKeyId')}
          {text('Secret access key', 'secretAccessKey', { type: 'password', autoComplete: 'new-password' })}
          <label className="check">
            <input type="checkbox" checked={f.pathStyle} onChange={(e) => form.set({ pathStyle: e.target.checked })} />
            <span>Path-style addressing (MinIO, Ceph and most self-hosted servers)</span>
          </label>
        </>
      ) : null}
      {f.kind === 'webdav' ? (
        <>
          {text('Server URL', 'url', { placeholder: 'https://cloud.example.com/remote.php/dav/files/me/Keepsake' })}
          {text('User name', 'username')}
          {text('Password or app password', 'password', { type: 'password', autoComplete: 'new-password' })}
        </>
      ) : null}
      {f.kind !== 'folder' ? (
        <label className="check">
          <input type="checkbox" checked={f.allowInsecureHttp} onChange={(e) => form.set({ allowInsecureHttp: e.target.checked })} />
          <span>Allow plain http to another computer (not recommended: credentials would travel unencrypted)</span>
        </label>
      ) : null}
    </>
  );
}
