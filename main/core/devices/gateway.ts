// The device gateway: a node:https server for paired phones. [Note: Pinning in the TLS layer]
// The server asks every client for a certificate and decides, as soon as the handshake
// ends and before any HTTP byte is read, what the connection may do: ALPN
// 'keepsake-sync/1' with a pinned, unrevoked certificate → that device's routes;
// ALPN 'keepsake-pair/1' → the pairing route only, one request; anything else → closed.
// CA validation is off on purpose (rejectUnauthorized: false) because trust comes from
// the pin, never from a CA or from first use. Limits: handshake/header/request/idle
// timeouts (slowloris), connection pools (connection-guard.ts), per-device rate limits,
// body limits per route.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { KeepsakeError } from '../../../common/errors';
import type { Log } from '../log';
import { normalizeFingerprint } from './certificate';
import { ConnectionGuard, type ConnectionCaps } from './connection-guard';
import { sendError } from './http-io';
import type { PairedDevice } from './pairings-store';
import { KeyedBuckets } from './rate-limit';
import { routeDevice, routePair, type RouteContext } from './routes';
import type { SyncService } from './sync-service';
import { ALPN_PAIR, ALPN_SYNC, LIMITS, TLS13_CIPHERS, type PairRequest, type PairResponse } from './wire';

export interface GatewayLimits extends ConnectionCaps {
  handshakeTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  jsonBody: number;
  rangeBody: number;
  /** Requests per second per device, and the burst allowed. */
  deviceRate: number;
  deviceBurst: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  pending: 128,
  pairing: 4,
  perDevice: 8,
  handshakeTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 5 * 60_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 10_000,
  jsonBody: LIMITS.jsonBody,
  rangeBody: LIMITS.rangeBody,
  deviceRate: 200,
  deviceBurst: 400,
};

export interface GatewayOptions {
  keyPem: string;
  certPem: string;
  /** Interfaces to bind ("127.0.0.1", "192.168.1.20"); one listener each. */
  hosts: string[];
  /** 0 picks a free port (the first listener's port is then used for the others). */
  port: number;
  limits?: Partial<GatewayLimits>;
  desktopName: string;
  resolveDevice(fingerprint: string): PairedDevice | null;
  pair(fingerprint: string, request: PairRequest): Promise<PairResponse>;
  sync: SyncService;
  log: Log;
  now: () => number;
}

type SocketClass = { kind: 'pair'; fingerprint: string } | { kind: 'device'; fingerprint: string };

export interface GatewayStatus {
  listening: Array<{ host: string; port: number }>;
  connections: { pending: number; pairing: number; devices: number };
  evicted: number;
  refused: number;
}

export class DeviceGateway {
  private readonly servers: Server[] = [];
  private readonly classes = new WeakMap<Socket, SocketClass>();
  private readonly guard: ConnectionGuard;
  private readonly limits: GatewayLimits;
  private readonly buckets: KeyedBuckets;
  private listening: Array<{ host: string; port: number }> = [];

  constructor(private readonly o: GatewayOptions) {
    this.limits = { ...DEFAULT_GATEWAY_LIMITS, ...o.limits };
    this.guard = new ConnectionGuard(this.limits);
    this.buckets = new KeyedBuckets(this.limits.deviceBurst, this.limits.deviceRate);
  }

  async start(): Promise<GatewayStatus> {
    if (this.servers.length) throw new KeepsakeError('CONFLICT', 'The device gateway is already running.');
    if (!this.o.hosts.length) throw new KeepsakeError('BAD_INPUT', 'Choose at least one network interface for the device gateway.');
    let port = this.o.port;
    try {
      for (const host of this.o.hosts) {
        const server = this.makeServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host, port }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        this.servers.push(server);
        port = (server.address() as AddressInfo).port;
        this.listening.push({ host, port });
      }
    } catch (e) {
      await this.stop();
      const code = (e as { code?: string }).code;
      throw new KeepsakeError(code === 'EADDRINUSE' ? 'CONFLICT' : 'NETWORK', code === 'EADDRINUSE' ? `Port ${port} is already in use; choose another port.` : `The device gateway could not listen (${code ?? 'error'}).`);
    }
    this.o.log.info('devices.gateway-started', { listeners: this.listening.length });
    return this.status();
  }

  async stop(): Promise<void> {
    const servers = this.servers.splice(0);
    this.listening = [];
    this.guard.dropAll();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  status(): GatewayStatus {
    return { listening: [...this.listening], connections: this.guard.counts(), evicted: this.guard.evicted, refused: this.guard.refused };
  }

  /** Unpair: close the device's open connections now. */
  dropDevice(deviceId: string): void {
    this.guard.dropDevice(deviceId);
  }

  private makeServer(): Server {
    const l = this.limits;
    const server = createServer({
      key: this.o.keyPem,
      cert: this.o.certPem,
      requestCert: true,
      rejectUnauthorized: false, // trust is the pin, checked below; see the Note above
      ALPNProtocols: [ALPN_SYNC, ALPN_PAIR],
      minVersion: 'TLSv1.3',
      // The desktop's order decides (AES-128-GCM first): see TLS13_CIPHERS.
      ciphers: TLS13_CIPHERS,
      honorCipherOrder: true,
      handshakeTimeout: l.handshakeTimeoutMs,
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(l.headersTimeoutMs / 4))),
      maxHeaderSize: 8 * 1024,
    });
    server.maxHeadersCount = 50;
    server.setTimeout(l.idleTimeoutMs, (socket: Socket) => socket.destroy());
    server.on('connection', (socket: Socket) => this.guard.accepted(socket));
    server.on('tlsClientError', () => undefined); // failed handshakes are expected noise
    server.on('clientError', (e: NodeJS.ErrnoException, socket: Socket) => {
      // Malformed HTTP: answer once when the socket can still take it, then close.
      const status = e.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      if (socket.writable && !socket.destroyed) {
        // end() only half-closes: a trickling client would keep the socket open, so destroy once written.
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
        setTimeout(() => socket.destroy(), 1000).unref();
      } else socket.destroy();
    });
    // Prepended so it runs before the HTTP parser is attached to the socket.
    server.prependListener('secureConnection', (socket: TLSSocket) => this.classify(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res));
    return server;
  }

  private classify(socket: TLSSocket): void {
    try {
      this.classifyUnsafe(socket);
    } catch (e) {
      // The vault may be closing under us (locked): refuse rather than crash.
      socket.destroy();
      if (!(e instanceof KeepsakeError)) this.o.log.error('devices.classify-failed', { error: (e as Error).name });
    }
  }

  private classifyUnsafe(socket: TLSSocket): void {
    this.guard.handshook(socket);
    const cert = socket.getPeerCertificate();
    const fingerprint = cert && cert.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : null;
    if (!fingerprint) {
      socket.destroy();
      return;
    }
    if (socket.alpnProtocol === ALPN_PAIR) {
      if (!this.guard.admitPairing(socket)) socket.destroy();
      else this.classes.set(socket, { kind: 'pair', fingerprint });
      return;
    }
    const device = socket.alpnProtocol === ALPN_SYNC ? this.o.resolveDevice(fingerprint) : null;
    if (!device) {
      // Not pinned (a stranger, a man in the middle, an unpaired phone): no HTTP byte is read.
      this.noteStranger();
      socket.destroy();
      return;
    }
    if (!this.guard.admitDevice(device.id, socket)) {
      socket.destroy();
      return;
    }
    this.classes.set(socket, { kind: 'device', fingerprint });
  }

  /** Logs refused strangers at most every 10 s with a count, so a flood cannot flood the log. */
  private strangers = { count: 0, lastLog: 0 };
  private noteStranger(): void {
    this.strangers.count += 1;
    const now = this.o.now();
    if (now - this.strangers.lastLog >= 10_000) {
      this.o.log.warn('devices.unknown-certificate', { refused: this.strangers.count });
      this.strangers = { count: 0, lastLog: now };
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const socket = req.socket as TLSSocket;
    const cls = this.classes.get(socket);
    if (!cls) {
      socket.destroy();
      return;
    }
    const ctx: RouteContext = { limits: this.limits, desktopName: this.o.desktopName, sync: this.o.sync, now: this.o.now };
    try {
      if (cls.kind === 'pair') {
        res.shouldKeepAlive = false;
        await routePair(req, res, ctx, (body) => this.o.pair(cls.fingerprint, body));
        return;
      }
      // Re-check the pin on every request: unpairing takes effect mid-connection.
      const device = this.o.resolveDevice(cls.fingerprint);
      if (!device) {
        sendError(res, new KeepsakeError('UNAUTHORIZED', 'This device is no longer paired with this desktop. Pair it again.'), true);
        return;
      }
      if (!this.buckets.take(device.id, this.o.now())) {
        sendError(res, new KeepsakeError('RATE_LIMITED', 'Too many requests from this device; slow down and retry.'));
        return;
      }
      await routeDevice(req, res, ctx, device);
    } catch (e) {
      if (!(e instanceof KeepsakeError)) this.o.log.error('devices.request-failed', { error: (e as Error).name });
      if (!res.writableEnded && !socket.destroyed) sendError(res, e);
    }
  }
}
