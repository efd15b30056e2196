// The cloud benchmark: upload throughput of `keepsake sync` to the local S3 server
// (s3rver) and WebDAV server (webdav-server), side by side with `restic -r s3:…` against
// the same s3rver in the same run, then an incremental sync after a 5 % change.
// Honest accounting: restic's time includes chunking and encrypting (its backup does
// everything at once); Keepsake's sync uploads packs the vault already encrypted, so the
// table shows both "sync only" and "vault backup + sync" against restic.
//   --size MB (default 1000)   --cache DIR (default $TMPDIR/keepsake-bench)   --concurrency N (default 8, as sync)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudStore } from '../main/core/cloud/mirror/cloud-store';
import { mirrorSourceOf } from '../main/core/cloud/mirror/source';
import { syncToTarget } from '../main/core/cloud/mirror/sync';
import { S3Target } from '../main/core/cloud/s3-target';
import type { CloudTarget } from '../main/core/cloud/target';
import { WebDavTarget } from '../main/core/cloud/webdav-target';
import { Vault } from '../main/core/vault/vault';
import { startWebDavServer } from '../test/support/webdav-server';
import type { BenchSection } from './run';
import { ensureDataset, heal, modify } from './vault-dataset';

const seconds = async (f: () => Promise<unknown> | unknown): Promise<number> => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

/** Runs restic asynchronously: the S3 server lives in this process, so a blocking spawn would deadlock. */
function restic(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('restic', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-1500)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`restic ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

/** s3rver in a child process on 127.0.0.1 with TLS (key.pem/cert.pem in `dir`'s parent). */
async function startS3ServerProcess(dir: string, buckets: string[]): Promise<{ endpoint: string; accessKeyId: string; secretAccessKey: string; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const code = `
    const S3rver = require('s3rver'); const fs = require('fs');
    const s = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(dir)}, vhostBuckets: false,
      key: fs.readFileSync(${JSON.stringify(join(dir, '..', 'key.pem'))}), cert: fs.readFileSync(${JSON.stringify(join(dir, '..', 'cert.pem'))}),
      configureBuckets: ${JSON.stringify(buckets)}.map((name) => ({ name, configs: [] })) });
    s.run().then((a) => console.log(JSON.stringify({ port: a.port })));`;
  const child = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
    child.once('exit', (c) => reject(new Error(`s3rver exited (${c})`)));
  });
  return {
    endpoint: `https://127.0.0.1:${port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    close: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill()))),
  };
}

const ROOT = resolve(import.meta.dirname, '..');

/** A throwaway self-signed certificate for 127.0.0.1 (openssl, Debian's). */
function selfSigned(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export const cloudSection: BenchSection = {
  name: 'cloud',
  summary: 'keepsake sync to S3 (s3rver) and WebDAV vs restic -r s3: on the same server',
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { size: { type: 'string' }, cache: { type: 'string' }, concurrency: { type: 'string' } }, strict: false });
    const concurrency = Number(values.concurrency ?? 8);
    const sizeMb = Number(values.size ?? 1000);
    const cache = typeof values.cache === 'string' ? values.cache : join(tmpdir(), 'keepsake-bench');
    const ds = ensureDataset(cache, sizeMb);
    const mb = ds.bytes / 1e6;
    // A fresh folder per run: two bench runs at once must not share (or delete) it.
    mkdirSync(cache, { recursive: true });
    const work = mkdtempSync(join(cache, 'cloud-work-'));
    // HTTPS with a throwaway certificate: restic (minio-go) signs plain-http uploads with
    // aws-chunked streaming signatures, which s3rver stores verbatim (corrupting them).
    // Both tools talk to the same TLS server, so neither pays a cost the other does not.
    // s3rver runs in its own process, as a real server would: in this process it would
    // share one event loop with Keepsake's client but not with restic.
    const tls = selfSigned(work);
    const s3 = await startS3ServerProcess(join(work, 's3rver'), ['keepsake-bench', 'restic-bench']);
    const dav = await startWebDavServer();
    const { vault } = await Vault.create(join(work, 'home'), 'bench-passphrase-not-secret', { fastKdfForTests: true });
    try {
      const backupFirst = await seconds(() => vault.backupFolder(ds.dir));
      const store = new CloudStore(vault.indexDb);
      const source = mirrorSourceOf(vault);
      const targets: Array<{ label: string; id: string; target: CloudTarget }> = [
        { label: 'S3 (s3rver)', id: store.add({ kind: 's3', bucket: 'keepsake-bench', endpoint: s3.endpoint, pathStyle: true }, { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }).id, target: new S3Target({ endpoint: s3.endpoint, bucket: 'keepsake-bench', pathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, caCertificate: tls.cert }) },
        { label: 'WebDAV', id: store.add({ kind: 'webdav', url: dav.url, username: dav.username }, { password: dav.password }).id, target: new WebDavTarget({ url: dav.url, username: dav.username, password: dav.password }) },
      ];
      const first: Record<string, { s: number; bytes: number }> = {};
      for (const t of targets) {
        let bytes = 0;
        const s = await seconds(async () => (bytes = (await syncToTarget(source, { targetId: t.id, target: t.target, store, concurrency })).bytesUploaded));
        first[t.label] = { s, bytes };
      }

      const resticEnv = { RESTIC_PASSWORD: 'bench-passphrase-not-secret', AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, RESTIC_CACHE_DIR: join(work, 'restic-cache') };
      const repo = ['-r', `s3:${s3.endpoint}/restic-bench`, '--cacert', join(work, 'cert.pem')];
      await restic([...repo, 'init'], resticEnv);
      const resticFirst = await restic([...repo, 'backup', '-q', ds.dir], resticEnv);

      const changed = modify(ds, sizeMb);
      const backupIncr = await seconds(() => vault.backupFolder(ds.dir));
      const incr: Record<string, { s: number; bytes: number }> = {};
      for (const t of targets) {
        let bytes = 0;
        const s = await seconds(async () => (bytes = (await syncToTarget(source, { targetId: t.id, target: t.target, store, concurrency })).bytesUploaded));
        incr[t.label] = { s, bytes };
      }
      const resticIncr = await restic([...repo, 'backup', '-q', ds.dir], resticEnv);
      heal(ds, sizeMb);

      const s3First = first['S3 (s3rver)']!;
      const rows: string[][] = [
        ['', 'seconds', 'MB up', 'MB/s (data set)'],
        ['keepsake sync → S3, first', s3First.s.toFixed(2), (s3First.bytes / 1e6).toFixed(0), (mb / s3First.s).toFixed(0)],
        ['keepsake sync → WebDAV, first', first.WebDAV!.s.toFixed(2), (first.WebDAV!.bytes / 1e6).toFixed(0), (mb / first.WebDAV!.s).toFixed(0)],
        ['keepsake backup + sync → S3, first', (backupFirst + s3First.s).toFixed(2), '', (mb / (backupFirst + s3First.s)).toFixed(0)],
        ['restic backup → S3, first', resticFirst.toFixed(2), '', (mb / resticFirst).toFixed(0)],
        [`keepsake sync → S3 after 5 % change (${changed} files)`, incr['S3 (s3rver)']!.s.toFixed(2), (incr['S3 (s3rver)']!.bytes / 1e6).toFixed(1), ''],
        ['keepsake sync → WebDAV after 5 % change', incr.WebDAV!.s.toFixed(2), (incr.WebDAV!.bytes / 1e6).toFixed(1), ''],
        ['keepsake backup + sync → S3 after 5 % change', (backupIncr + incr['S3 (s3rver)']!.s).toFixed(2), '', ''],
        ['restic backup → S3 after 5 % change', resticIncr.toFixed(2), '', ''],
      ];
      const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
      console.log(`Data set: ${mb.toFixed(0)} MB (${ds.bigFiles} large + ${ds.smallFiles} small files)`);
      for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  '));
      console.log(`\nratio, sync only vs restic (first): ${(resticFirst / s3First.s).toFixed(2)}× (target ≥ 2×)`);
      console.log(`ratio, backup + sync vs restic (first): ${(resticFirst / (backupFirst + s3First.s)).toFixed(2)}×`);
      console.log(`ratio, incremental sync only vs restic: ${(resticIncr / incr['S3 (s3rver)']!.s).toFixed(2)}×`);
      for (const t of targets) await t.target.close();
    } finally {
      vault.close();
      await s3.close();
      await dav.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
};
