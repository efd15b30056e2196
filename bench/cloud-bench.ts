// The cloud benchmark: upload throughput of `keepsake sync` to the local S3 server
// (s3rver) and WebDAV server (webdav-server), side by side with `restic -r s3:…` against
// the same s3rver in the same run, then an incremental sync after a 5 % change.
// Honest accounting: restic's time includes chunking and encrypting (its backup does
// everything at once); Keepsake's sync uploads packs the vault already encrypted, so the
// table shows both "sync only" and "vault backup + sync" against restic.
// Where the time goes: each row also shows the CPU seconds of the client (this process,
// worker threads included; restic's own process) and of the server process (s3rver and
// webdav-server each run in their own process), each sync's phase timeline is printed
// under the table, and a
// "plain PutObject" row sends the same packs with a bare SDK client (streamed, no hashing,
// no verification, no manifest) — the ceiling this server allows any client.
//   --size MB (default 1000)   --cache DIR (default $TMPDIR/keepsake-bench)   --concurrency N (default 8, as sync)
import { spawn, spawnSync } from 'node:child_process';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudStore } from '../main/core/cloud/mirror/cloud-store';
import { listLocalPacks } from '../main/core/cloud/mirror/local-packs';
import { PackDigests } from '../main/core/cloud/mirror/pack-digests';
import { mirrorSourceOf } from '../main/core/cloud/mirror/source';
import { syncToTarget } from '../main/core/cloud/mirror/sync';
import { S3Target } from '../main/core/cloud/s3-target';
import type { CloudTarget } from '../main/core/cloud/target';
import { WebDavTarget } from '../main/core/cloud/webdav-target';
import { Vault } from '../main/core/vault/vault';
import type { BenchSection } from './run';
import { ensureDataset, heal, modify } from './vault-dataset';

const seconds = async (f: () => Promise<unknown> | unknown): Promise<number> => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

/** Runs restic asynchronously: the S3 server lives in this process, so a blocking spawn would deadlock. */
function restic(args: string[], env: NodeJS.ProcessEnv): Promise<{ s: number; cpu: number | null }> {
  const t0 = performance.now();
  // GNU time (Debian's /usr/bin/time) reports restic's own CPU seconds on stderr's last line.
  const timed = existsSync('/usr/bin/time');
  const [cmd, argv] = timed ? ['/usr/bin/time', ['-f', 'cpu %U %S', 'restic', ...args]] : ['restic', args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-1500)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`restic ${args.join(' ')} failed (${code}): ${err}`));
      const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(err);
      resolve({ s: (performance.now() - t0) / 1000, cpu: m ? Number(m[1]) + Number(m[2]) : null });
    });
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
export function procCpu(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** This process's CPU seconds, worker threads included. */
const selfCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Measured {
  s: number;
  bytes: number;
  cpu: number | null;
  serverCpu: number | null;
}

/** Times `f`, with the CPU seconds this process and the S3 server spent meanwhile. */
async function measure(serverPid: number | undefined, f: () => Promise<number>): Promise<Measured> {
  const c0 = selfCpu();
  const s0 = procCpu(serverPid);
  const t0 = performance.now();
  const bytes = await f();
  const s = (performance.now() - t0) / 1000;
  const s1 = procCpu(serverPid);
  return { s, bytes, cpu: selfCpu() - c0, serverCpu: s0 !== null && s1 !== null ? s1 - s0 : null };
}

/** A bare client: PutObject of each pack file, streamed, 8 at once — no hashing, no verification. */
async function plainPuts(endpoint: string, ca: string, bucket: string, packsDir: string, concurrency: number): Promise<number> {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    expectContinueHeader: false,
    requestHandler: { httpsAgent: new HttpsAgent({ ca, keepAlive: true, maxSockets: 32 }) },
  });
  const packs = await listLocalPacks(packsDir);
  let next = 0;
  let bytes = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < packs.length) {
          const p = packs[next++]!;
          await client.send(new PutObjectCommand({ Bucket: bucket, Key: `plain/${p.id}`, Body: createReadStream(p.path), ContentLength: p.size }));
          bytes += p.size;
        }
      }),
    );
  } finally {
    client.destroy();
  }
  return bytes;
}

/** s3rver in a child process on 127.0.0.1 with TLS (key.pem/cert.pem in `dir`'s parent). */
export async function startS3ServerProcess(dir: string, buckets: string[]): Promise<{ endpoint: string; pid: number | undefined; accessKeyId: string; secretAccessKey: string; close(): Promise<void> }> {
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
    pid: child.pid,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    close: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill()))),
  };
}

/**
 * webdav-server in a child process, like s3rver: in this process it would share one event
 * loop (and one core) with the client it serves, and its CPU would count as the client's.
 * Same setup as test/support/webdav-server.ts: Basic auth, a physical folder.
 */
export async function startWebDavServerProcess(dir: string): Promise<{ url: string; username: string; password: string; pid: number | undefined; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const username = 'keepsake';
  const password = 'bench-password-not-secret';
  const code = `
    const { v2: webdav } = require('webdav-server'); const http = require('http');
    const users = new webdav.SimpleUserManager(); const user = users.addUser(${JSON.stringify(username)}, ${JSON.stringify(password)}, false);
    const privileges = new webdav.SimplePathPrivilegeManager(); privileges.setRights(user, '/', ['all']);
    const server = new webdav.WebDAVServer({ hostname: '127.0.0.1', requireAuthentification: true, httpAuthentication: new webdav.HTTPBasicAuthentication(users, 'bench'),
      privilegeManager: privileges, rootFileSystem: new webdav.PhysicalFileSystem(${JSON.stringify(dir)}) });
    const s = http.createServer((req, res) => server.executeRequest(req, res));
    s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: s.address().port })));`;
  const child = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port));
    child.once('exit', (c) => reject(new Error(`webdav-server exited (${c})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    username,
    password,
    pid: child.pid,
    close: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill()))),
  };
}

const ROOT = resolve(import.meta.dirname, '..');

/** Empties the remembered pack digests (creating their table if no sync has yet). */
function forgetPackDigests(db: Vault['indexDb']): void {
  new PackDigests(db);
  db.exec('DELETE FROM cloud_pack_digests');
}

/** A throwaway self-signed certificate for 127.0.0.1 (openssl, Debian's). */
export function selfSigned(dir: string): { key: string; cert: string } {
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
    const s3 = await startS3ServerProcess(join(work, 's3rver'), ['keepsake-bench', 'restic-bench', 'plain-bench']);
    const dav = await startWebDavServerProcess(join(work, 'webdav'));
    const { vault } = await Vault.create(join(work, 'home'), 'bench-passphrase-not-secret', { fastKdfForTests: true });
    try {
      const backupFirst = await seconds(() => vault.backupFolder(ds.dir));
      const store = new CloudStore(vault.indexDb);
      const source = mirrorSourceOf(vault);
      const targets: Array<{ label: string; id: string; target: CloudTarget; pid: number | undefined }> = [
        { label: 'S3 (s3rver)', id: store.add({ kind: 's3', bucket: 'keepsake-bench', endpoint: s3.endpoint, pathStyle: true }, { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }).id, target: new S3Target({ endpoint: s3.endpoint, bucket: 'keepsake-bench', pathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, caCertificate: tls.cert }), pid: s3.pid },
        { label: 'WebDAV', id: store.add({ kind: 'webdav', url: dav.url, username: dav.username }, { password: dav.password }).id, target: new WebDavTarget({ url: dav.url, username: dav.username, password: dav.password }), pid: dav.pid },
      ];
      // When each phase of a sync began (ms from its start): where a short sync's time goes.
      const timelines: string[] = [];
      const sync = (t: (typeof targets)[number], label: string): Promise<Measured> =>
        measure(t.pid, async () => {
          const t0 = performance.now();
          const seen: string[] = [];
          const progress = (p: { phase: string }): void => {
            if (seen.at(-1)?.startsWith(p.phase) !== true) seen.push(`${p.phase} @${(performance.now() - t0).toFixed(0)}`);
          };
          const r = await syncToTarget(source, { targetId: t.id, target: t.target, store, concurrency, progress });
          timelines.push(`${label} ${t.label}: ${seen.join(' → ')} → done @${(performance.now() - t0).toFixed(0)} ms; retries ${r.retries}`);
          return r.bytesUploaded;
        });
      const first: Record<string, Measured> = {};
      for (const t of targets) {
        // A true first sync for each target: the pack digests the previous target's sync
        // remembered (pack-digests.ts) would spare this one its hashing, which a person's
        // first sync after the first backup does not get.
        forgetPackDigests(vault.indexDb);
        first[t.label] = await sync(t, 'first');
      }

      const resticEnv = { RESTIC_PASSWORD: 'bench-passphrase-not-secret', AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey, RESTIC_CACHE_DIR: join(work, 'restic-cache') };
      const repo = ['-r', `s3:${s3.endpoint}/restic-bench`, '--cacert', join(work, 'cert.pem')];
      await restic([...repo, 'init'], resticEnv);
      const resticRun = async (): Promise<Measured> => {
        let cpu: number | null = null;
        const m = await measure(s3.pid, async () => ((cpu = (await restic([...repo, 'backup', '-q', ds.dir], resticEnv)).cpu), 0));
        return { ...m, cpu };
      };
      const resticFirst = await resticRun();
      const plain = await measure(s3.pid, () => plainPuts(s3.endpoint, tls.cert, 'plain-bench', vault.layout.packs, concurrency));

      const changed = modify(ds, sizeMb);
      const backupIncr = await seconds(() => vault.backupFolder(ds.dir));
      const incr: Record<string, Measured> = {};
      for (const t of targets) incr[t.label] = await sync(t, 'after 5 %');
      const resticIncr = await resticRun();
      heal(ds, sizeMb);

      const s3First = first['S3 (s3rver)']!;
      const s3Incr = incr['S3 (s3rver)']!;
      const cpu = (v: number | null): string => (v === null ? '' : v.toFixed(1));
      const row = (label: string, m: Measured, withRate = true): string[] => [label, m.s.toFixed(2), m.bytes ? (m.bytes / 1e6).toFixed(m.bytes < 1e8 ? 1 : 0) : '', withRate ? (mb / m.s).toFixed(0) : '', cpu(m.cpu), cpu(m.serverCpu)];
      const rows: string[][] = [
        ['', 'seconds', 'MB up', 'MB/s (data set)', 'client CPU s', 'server CPU s'],
        row('keepsake sync → S3, first', s3First),
        row('keepsake sync → WebDAV, first', first.WebDAV!),
        ['keepsake backup + sync → S3, first', (backupFirst + s3First.s).toFixed(2), '', (mb / (backupFirst + s3First.s)).toFixed(0), '', ''],
        row('restic backup → S3, first', resticFirst),
        row('plain PutObject of the same packs (server ceiling)', plain),
        row(`keepsake sync → S3 after 5 % change (${changed} files)`, s3Incr, false),
        row('keepsake sync → WebDAV after 5 % change', incr.WebDAV!, false),
        ['keepsake backup + sync → S3 after 5 % change', (backupIncr + s3Incr.s).toFixed(2), '', '', '', ''],
        row('restic backup → S3 after 5 % change', resticIncr, false),
      ];
      const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
      console.log(`Data set: ${mb.toFixed(0)} MB (${ds.bigFiles} large + ${ds.smallFiles} small files); ${concurrency} uploads at once`);
      for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  '));
      console.log(`\nratio, sync only vs restic (first): ${(resticFirst.s / s3First.s).toFixed(2)}× (target ≥ 2×)`);
      console.log(`ratio, backup + sync vs restic (first): ${(resticFirst.s / (backupFirst + s3First.s)).toFixed(2)}×`);
      console.log(`ratio, incremental sync only vs restic: ${(resticIncr.s / s3Incr.s).toFixed(2)}×`);
      console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
      for (const line of timelines) console.log(line);
      console.log(`ceiling: plain PutObject vs restic (first): ${(resticFirst.s / plain.s).toFixed(2)}×; keepsake sync takes ${(s3First.s / plain.s).toFixed(2)}× the plain client's time`);
      // s3rver handles every request on one thread, so the CPU seconds it spends receiving
      // the packs are a wall-time floor no client can go under, however lean.
      const floor = Math.min(...[plain.serverCpu, s3First.serverCpu].filter((v): v is number => v !== null));
      if (Number.isFinite(floor)) console.log(`server floor: s3rver spends ≥ ${floor.toFixed(2)} CPU s on one thread receiving the packs; restic / floor = ${(resticFirst.s / floor).toFixed(2)}× is the best ratio any client can reach here`);
      for (const t of targets) await t.target.close();
    } finally {
      vault.close();
      await s3.close();
      await dav.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
};
