// DevicesService: everything about phones for one unlocked vault — the desktop identity,
// pairing sessions and QR codes, the paired-device list and options, the gateway's
// lifecycle, restore offers. Handlers and hosts use it through devicesFor(core)
// (registry.ts); tests build it directly over a real index and sink.
import { hkdfSync } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import type { Log } from '../log';
import { PhoneErasureNotices } from '../erasure/phone-notices';
import { purposeKey } from '../vault/keys/purpose-keys';
import type { Db } from '../vault/sql';
import { refuseAllConsentGate, type ConsentGate } from './consent';
import { DeviceGateway, type GatewayLimits, type GatewayStatus } from './gateway';
import { loadOrCreateIdentity, type DesktopIdentity } from './identity';
import { ensureDeviceSchema } from './migrations';
import { PairingManager } from './pairing';
import { PairingsStore, type PairedDevice } from './pairings-store';
import { renderPairingQr, type PairingQr } from './qr';
import type { IngestSink } from './sink';
import { UploadStaging } from './staging';
import { SyncService } from './sync-service';
import { SyncStore, type CategoryStats } from './sync-store';
import { PROTOCOL_VERSION, type PairingPayload, type PairRequest, type PairResponse, type RestoreOffer } from './wire';

export interface DevicesServiceOptions {
  db: Db;
  masterKey: Buffer;
  stagingDir: string;
  sink: IngestSink;
  consent?: ConsentGate;
  log: Log;
  now: () => number;
  desktopName?: string;
  /** How long a pairing code stays valid (default 3 minutes). */
  pairingTtlMs?: number;
  /** Memory for uploaded files waiting for their commit (default 64 MiB; see held-uploads.ts). */
  heldBytes?: number;
}

export interface DeviceView extends PairedDevice {
  stats: CategoryStats[];
  pendingUploads: number;
}

export interface PairingStart extends PairingQr {
  payload: PairingPayload;
}

export class DevicesService {
  readonly pairings: PairingsStore;
  readonly syncStore: SyncStore;
  readonly sync: SyncService;
  private readonly pairing: PairingManager;
  private readonly identityKey: Buffer;
  private ident: DesktopIdentity | null = null;
  private gateway: DeviceGateway | null = null;
  private readonly desktopName: string;

  constructor(private readonly o: DevicesServiceOptions) {
    ensureDeviceSchema(o.db);
    this.identityKey = purposeKey(o.masterKey, 'device-identity');
    // The staging key is a sub-key of the identity purpose key (HKDF again, its own info).
    const stagingKey = Buffer.from(hkdfSync('sha256', this.identityKey, Buffer.alloc(0), Buffer.from('keepsake/device-staging/v1'), 32));
    this.desktopName = o.desktopName ?? 'Keepsake desktop';
    this.pairings = new PairingsStore(o.db);
    this.syncStore = new SyncStore(o.db);
    this.pairing = new PairingManager(this.pairings, o.now, o.pairingTtlMs ? { ttlMs: o.pairingTtlMs } : {});
    this.sync = new SyncService({
      pairings: this.pairings,
      sync: this.syncStore,
      staging: new UploadStaging(o.stagingDir, stagingKey),
      sink: o.sink,
      consent: o.consent ?? refuseAllConsentGate,
      now: o.now,
      log: o.log,
      erasures: new PhoneErasureNotices(o.db, purposeKey(o.masterKey, 'ledger'), o.now),
      ...(o.heldBytes !== undefined ? { heldBytes: o.heldBytes } : {}),
    });
    const swept = this.sync.sweepStaging();
    if (swept) o.log.info('devices.staging-swept', { files: swept });
  }

  /** The desktop identity, made on first use (RSA-3072, well under a second). */
  identity(): DesktopIdentity {
    this.ident ??= loadOrCreateIdentity(this.o.db, this.identityKey, { name: this.desktopName, now: this.o.now() });
    return this.ident;
  }

  async startGateway(opts: { hosts: string[]; port: number; limits?: Partial<GatewayLimits> }): Promise<GatewayStatus> {
    if (this.gateway) throw new KeepsakeError('CONFLICT', 'The device gateway is already running.');
    const id = this.identity();
    const gw = new DeviceGateway({
      keyPem: id.keyPem,
      certPem: id.certPem,
      hosts: opts.hosts,
      port: opts.port,
      ...(opts.limits ? { limits: opts.limits } : {}),
      desktopName: this.desktopName,
      resolveDevice: (fp) => this.pairings.byFingerprint(fp),
      pair: (fp, req) => this.pair(fp, req),
      sync: this.sync,
      log: this.o.log,
      now: this.o.now,
    });
    const status = await gw.start();
    this.gateway = gw;
    this.sync.warmUp();
    return status;
  }

  async stopGateway(): Promise<void> {
    const gw = this.gateway;
    this.gateway = null;
    this.pairing.cancel();
    if (gw) await gw.stop();
  }

  gatewayStatus(): (GatewayStatus & { running: true }) | { running: false } {
    return this.gateway ? { running: true, ...this.gateway.status() } : { running: false };
  }

  /** Opens a pairing session and returns the QR payload, its URI, SVG and terminal text. */
  async startPairing(host?: string): Promise<PairingStart> {
    const status = this.gateway?.status();
    const first = status?.listening[0];
    if (!status || !first) throw new KeepsakeError('FORBIDDEN', 'Start the device gateway before pairing a phone.');
    const advertised = host ?? advertisedHost(first.host);
    const { secret, expires } = this.pairing.start();
    const payload: PairingPayload = { v: PROTOCOL_VERSION, host: advertised, port: first.port, fingerprint: this.identity().fingerprint, secret, expires };
    return { payload, ...(await renderPairingQr(payload)) };
  }

  cancelPairing(): void {
    this.pairing.cancel();
  }

  /** Checks and records a pairing in one turn of the vault's writes (SyncService.turn). */
  private async pair(fingerprint: string, req: PairRequest): Promise<PairResponse> {
    const device = await this.sync.turn(() => {
      if (this.pairings.byFingerprint(fingerprint)) {
        throw new KeepsakeError('CONFLICT', 'This phone is already paired with this desktop.');
      }
      this.pairing.redeem(req.secret);
      return this.pairings.add({ name: req.name, kind: req.kind, model: req.model, fingerprint, now: this.o.now() });
    });
    this.o.log.info('devices.paired', { device: device.id, kind: device.kind });
    return { deviceId: device.id, desktopName: this.desktopName, pinnedFingerprint: fingerprint, protocol: PROTOCOL_VERSION };
  }

  list(): DeviceView[] {
    return this.pairings.list().map((d) => ({ ...d, stats: this.syncStore.stats(d.id), pendingUploads: this.syncStore.uploadsOf(d.id).length }));
  }

  get(id: string): DeviceView {
    const d = this.list().find((x) => x.id === id);
    if (!d) throw new KeepsakeError('NOT_FOUND', 'There is no such device.');
    return d;
  }

  setOptions(id: string, o: { name?: string; child?: boolean; deleteFollowsPhone?: boolean; syncCategories?: Category[] }): DeviceView {
    if (!this.pairings.setOptions(id, o)) throw new KeepsakeError('NOT_FOUND', 'There is no such device.');
    return this.get(id);
  }

  /** Unpair: drop the pin now and close the device's open connections. */
  unpair(id: string): DeviceView {
    const d = this.pairings.get(id);
    if (!d) throw new KeepsakeError('NOT_FOUND', 'There is no such device.');
    this.pairings.revoke(id, this.o.now());
    this.gateway?.dropDevice(id);
    this.o.log.info('devices.unpaired', { device: id });
    return this.get(id);
  }

  /** Offers vault items to a paired phone for restore (the recovery flow calls this). */
  offerRestore(deviceId: string, offers: Array<RestoreOffer & { vaultItemId: string }>): number {
    const d = this.pairings.get(deviceId);
    if (!d || d.revokedAt !== null) throw new KeepsakeError('NOT_FOUND', 'There is no such paired device.');
    for (const o of offers) this.syncStore.addRestoreOffer(deviceId, o, this.o.now());
    return offers.length;
  }

  async close(): Promise<void> {
    await this.stopGateway();
    this.sync.releaseHeld(); // uploads held in memory were never acknowledged; the phone resends them
  }
}

/** A wildcard bind is advertised as the first LAN IPv4 address, which a phone can reach. */
function advertisedHost(bound: string): string {
  if (bound !== '0.0.0.0' && bound !== '::') return bound;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
