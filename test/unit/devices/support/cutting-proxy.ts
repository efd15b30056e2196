// A TCP proxy for loopback tests: forwards bytes both ways unchanged (TLS stays end to
// end, so pinning is unaffected) and cuts every connection once `cutAfter` bytes have
// gone from the client to the server in total — a phone losing Wi-Fi mid-upload.
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export async function cuttingProxy(target: number, cutAfter: number): Promise<{ port: number; forwarded: () => number; close: () => Promise<void> }> {
  let forwarded = 0;
  let cut = false;
  const live = new Set<Socket>();
  const server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: target });
    live.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (cut) return drop();
      const room = cutAfter - forwarded;
      upstream.write(chunk.subarray(0, Math.max(0, room)));
      forwarded += Math.min(chunk.length, Math.max(0, room));
      if (forwarded >= cutAfter) {
        cut = true;
        // Let the bytes already written reach the desktop, then pull the plug on everything.
        setTimeout(() => {
          for (const s of live) s.destroy();
        }, 50);
      }
    });
    upstream.on('data', (c: Buffer) => client.write(c));
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    forwarded: () => forwarded,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
