// Add a cloud target: a form per kind (S3-compatible, WebDAV, folder), a live conformance
// check in plain words, then add. Secrets go in here and never come back out.
import * as Dialog from '@radix-ui/react-dialog';
import { useState, type FormEvent } from 'react';
import type { ConformanceReport, TargetSecrets, TargetSettings } from '../../../common/contract/cloud';
import { api, ApiError } from '../../api/client';
import { ConformanceList } from './ConformanceList';

type Kind = TargetSettings['kind'];

interface Form {
  kind: Kind;
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

const EMPTY: Form = { kind: 'folder', endpoint: '', region: '', bucket: '', prefix: '', pathStyle: false, url: '', username: '', path: '', accessKeyId: '', secretAccessKey: '', password: '', allowInsecureHttp: false };

export function toRequest(f: Form): { settings: TargetSettings; secrets: TargetSecrets } {
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

export function AddTargetDialog({ open, onOpenChange, onAdded }: { open: boolean; onOpenChange(o: boolean): void; onAdded(): void }) {
  const [form, setForm] = useState<Form>(EMPTY);
  const [busy, setBusy] = useState<'' | 'checking' | 'adding'>('');
  const [report, setReport] = useState<ConformanceReport | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [error, setError] = useState('');
  const set = (patch: Partial<Form>): void => {
    setForm((f) => ({ ...f, ...patch }));
    setReport(null);
  };

  async function check(): Promise<void> {
    setBusy('checking');
    setError('');
    try {
      const r = await api.call('cloud.checkTarget', toRequest(form));
      setReport(r.conformance);
      setWarning(r.warning);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy('');
    }
  }

  async function add(e: FormEvent): Promise<void> {
    e.preventDefault();
    setBusy('adding');
    setError('');
    try {
      const r = await api.call('cloud.addTarget', toRequest(form));
      setReport(r.conformance);
      setForm(EMPTY);
      onAdded();
      onOpenChange(false);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy('');
    }
  }

  const text = (label: string, key: keyof Form, extra: { type?: string; placeholder?: string; autoComplete?: string } = {}) => (
    <label className="field">
      <span>{label}</span>
      <input type={extra.type ?? 'text'} value={form[key] as string} placeholder={extra.placeholder} autoComplete={extra.autoComplete ?? 'off'} spellCheck={false} onChange={(e) => set({ [key]: e.target.value } as Partial<Form>)} />
    </label>
  );

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog" aria-describedby="add-target-help">
          <form className="stack" onSubmit={(e) => void add(e)}>
            <Dialog.Title>Add a cloud target</Dialog.Title>
            <p id="add-target-help" className="muted">
              Keepsake uploads only encrypted data: the provider cannot read your items, their names or how many there are.
            </p>
            <div className="segmented" role="radiogroup" aria-label="Kind of target">
              {(
                [
                  ['folder', 'Folder or drive'],
                  ['s3', 'S3-compatible'],
                  ['webdav', 'WebDAV'],
                ] as const
              ).map(([k, label]) => (
                <label key={k} className={form.kind === k ? 'seg active' : 'seg'}>
                  <input type="radio" name="kind" value={k} checked={form.kind === k} onChange={() => set({ kind: k })} />
                  {label}
                </label>
              ))}
            </div>
            {form.kind === 'folder' ? text('Folder', 'path', { placeholder: '/media/backup/Keepsake' }) : null}
            {form.kind === 's3' ? (
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
                  <input type="checkbox" checked={form.pathStyle} onChange={(e) => set({ pathStyle: e.target.checked })} />
                  <span>Path-style addressing (MinIO, Ceph and most self-hosted servers)</span>
                </label>
              </>
            ) : null}
            {form.kind === 'webdav' ? (
              <>
                {text('Server URL', 'url', { placeholder: 'https://cloud.example.com/remote.php/dav/files/me/Keepsake' })}
                {text('User name', 'username')}
                {text('Password or app password', 'password', { type: 'password', autoComplete: 'new-password' })}
              </>
            ) : null}
            {form.kind !== 'folder' ? (
              <label className="check">
                <input type="checkbox" checked={form.allowInsecureHttp} onChange={(e) => set({ allowInsecureHttp: e.target.checked })} />
                <span>Allow plain http to another computer (not recommended: credentials would travel unencrypted)</span>
              </label>
            ) : null}
            {report ? <ConformanceList report={report} /> : null}
            {warning ? <p className="notice error">{warning}</p> : null}
            {error ? (
              <p className="error-text" role="alert">
                {error}
              </p>
            ) : null}
            <div className="row end">
              <Dialog.Close className="button ghost" type="button">
                Cancel
              </Dialog.Close>
              <button type="button" className="button" disabled={busy !== ''} onClick={() => void check()}>
                {busy === 'checking' ? 'Checking…' : 'Check'}
              </button>
              <button type="submit" className="button primary" disabled={busy !== ''}>
                {busy === 'adding' ? 'Checking and adding…' : 'Add target'}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
