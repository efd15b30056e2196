// The floor under issue 5's "the network path should cost ≤ 25 %": the least work any
// gateway does on the desktop to receive a phone's files over pinned TLS, without storing
// them. A sender in a child process (the phone's side, not counted) streams every file of
// the phone folder over one TLS 1.3 connection with the gateway's cipher order, each file
// as an 8-byte length and its bytes; this process (the desktop's side, counted) reads them:
//   receive   TLS decryption and the bytes read, nothing else
//   verify    + the SHA-256 of every file that the sync protocol checks against the
//               phone's manifest (docs/protocol.md) before it acknowledges anything
// Set against the desktop's CPU for local ingest of the same files, these say how much of
// the 25 % the wire alone takes, before any HTTP, ranges, staging or commits.
//   node bin/tsx.mjs bench/tls-floor.ts <phone dir> <receive|verify>  → one JSON line
import { fork } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { makeSelfSignedIdentity } from '../main/core/devices/certificate';
import { TLS13_CIPHERS } from '../main/core/devices/wire';
import { filesUnder } from './fresh-process';

export type TlsFloorVariant = 'receive' | 'verify';
export const TLS_FLOOR_VARIANTS: TlsFloorVariant[] = ['receive', 'verify'];
export const TLS_FLOOR_LABELS: Record<TlsFloorVariant, string> = {
  receive: 'TLS 1.3 receive only',
  verify: '+ SHA-256 of every file',
};

/** The phone's side: every file as [u64 length][bytes], then end. */
async function send(port: number, dir: string, certPem: string, keyPem: string): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port, cert: certPem, key: keyPem, rejectUnauthorized: false, minVersion: 'TLSv1.3', ciphers: TLS13_CIPHERS });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  for (const path of filesUnder(dir)) {
    const bytes = readFileSync(path);
    const head = Buffer.alloc(8);
    head.writeBigUInt64BE(BigInt(bytes.length));
    socket.write(head);
    if (!socket.write(bytes)) await new Promise((r) => socket.once('drain', r));
  }
  socket.end();
  await new Promise((r) => socket.once('close', r));
}

/** The desktop's side: reads the stream, hashing each file when asked. */
export async function runTlsFloor(dir: string, variant: TlsFloorVariant): Promise<{ cpuSeconds: number; wallSeconds: number; files: number; bytes: number }> {
  const id = makeSelfSignedIdentity('floor', { bits: 2048 });
  let files = 0;
  let bytes = 0;
  let t0 = 0;
  let c0 = process.cpuUsage();
  const done = new Promise<{ cpuSeconds: number; wallSeconds: number }>((resolve, reject) => {
    const server = createServer({ key: id.keyPem, cert: id.certPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.3', ciphers: TLS13_CIPHERS }, (socket: TLSSocket) => {
      t0 = performance.now();
      c0 = process.cpuUsage();
      let head = Buffer.alloc(0);
      let left = 0;
      let hash: Hash | null = null;
      socket.on('data', (d: Buffer) => {
        bytes += d.length;
        let at = 0;
        while (at < d.length) {
          if (left === 0) {
            head = Buffer.concat([head, d.subarray(at, at + 8 - head.length)]);
            at += Math.min(8, d.length - at);
            if (head.length < 8) return;
            left = Number(head.readBigUInt64BE(0));
            head = Buffer.alloc(0);
            files += 1;
            hash = variant === 'verify' ? createHash('sha256') : null;
            if (left === 0) hash?.digest();
            continue;
          }
          const n = Math.min(left, d.length - at);
          hash?.update(d.subarray(at, at + n));
          left -= n;
          at += n;
          if (left === 0) hash?.digest('hex');
        }
      });
      socket.on('end', () => {
        const cpu = process.cpuUsage(c0);
        resolve({ cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - t0) / 1000 });
        socket.end();
        server.close();
      });
      socket.on('error', reject);
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      const here = fileURLToPath(import.meta.url);
      const child = fork(join(dirname(here), '..', 'bin', 'tsx.mjs'), [here, '--send', String(port), dir], { env: { ...process.env, FLOOR_CERT: id.certPem, FLOOR_KEY: id.keyPem } });
      child.on('exit', (code) => code !== 0 && reject(new Error(`the sender exited with ${code}`)));
    });
  });
  const r = await done;
  return { ...r, files, bytes };
}

if (process.argv[1]?.endsWith('tls-floor.ts')) {
  const args = process.argv.slice(2);
  if (args[0] === '--send') {
    await send(Number(args[1]), args[2]!, process.env.FLOOR_CERT!, process.env.FLOOR_KEY!);
  } else {
    const [dir, variant] = args;
    if (!dir || !TLS_FLOOR_VARIANTS.includes(variant as TlsFloorVariant)) {
      console.error(`usage: tls-floor.ts <phone dir> <${TLS_FLOOR_VARIANTS.join('|')}>`);
      process.exit(2);
    }
    console.log(JSON.stringify(await runTlsFloor(dir, variant as TlsFloorVariant)));
  }
}
