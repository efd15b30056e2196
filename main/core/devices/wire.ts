// Sync protocol v1 on the wire: paths, limits and the zod schemas of every JSON body the
// desktop gateway and a device exchange. docs/protocol.md is the prose version of this
// file; the reference agent imports it too, so the two ends cannot drift apart.
// Pure TypeScript + zod: no Node imports, so a device implementation can reuse it.
import * as z from 'zod';
import { Category } from '../../../common/domain';

export const PROTOCOL_VERSION = 1;

/** TLS ALPN names: the route class is decided in the handshake, before any HTTP byte. */
export const ALPN_SYNC = 'keepsake-sync/1';
export const ALPN_PAIR = 'keepsake-pair/1';

/**
 * TLS 1.3 cipher suites in the order both ends prefer them: AES-128-GCM first (cheaper per
 * byte than AES-256-GCM with AES-NI, and 128-bit keys are ample for a session that lives
 * minutes; see docs/devices.md "TLS cipher"), the other two standard suites after it, so a
 * device that lacks it still connects. Trust is the pinned certificate either way.
 */
export const TLS13_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

/**
 * Optional additions to protocol v1, listed by the desktop in `hello.features`. A device
 * uses one only when the desktop lists it; a desktop still serves devices that never do.
 */
export const FEATURES = {
  /** POST /v1/upload-batch: several whole small files in one request (docs/protocol.md §3.3.1). */
  uploadBatch: 'upload-batch/1',
} as const;

export const PATHS = {
  pair: '/v1/pair',
  hello: '/v1/hello',
  manifest: '/v1/manifest',
  upload: '/v1/uploads/', // + encodeURIComponent(item id)
  uploadBatch: '/v1/upload-batch',
  commit: '/v1/commit',
  location: '/v1/location',
  restoreList: '/v1/restore',
  restoreItem: '/v1/restore/items/', // + encodeURIComponent(offer id)
  restoreAck: '/v1/restore/ack',
  erasures: '/v1/erasures',
  erasuresAck: '/v1/erasures/ack',
} as const;

/** Hard limits the desktop enforces; a device should stay below them. */
export const LIMITS = {
  /** Largest JSON body (manifest pages, commits, location batches). */
  jsonBody: 4 * 1024 * 1024,
  /** Largest single upload range body; a device splits files into ranges this size or smaller. */
  rangeBody: 16 * 1024 * 1024,
  /** Items per manifest page. */
  manifestItems: 5000,
  /** Items per commit. */
  commitItems: 1000,
  /** Files per upload batch, and the largest batch directory (the JSON before the bytes). */
  batchItems: 256,
  batchDirectory: 256 * 1024,
  /** Largest file a device may offer (64 GiB). */
  itemSize: 64 * 1024 ** 3,
  idLength: 1024,
} as const;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case SHA-256 hex digest');
const ItemId = z.string().min(1).max(LIMITS.idLength).refine((s) => !s.includes('\0'), 'no NUL characters');

/** The QR payload, also shown as text: everything a device needs to pair. */
export const PairingPayload = z.object({
  v: z.literal(PROTOCOL_VERSION),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** SHA-256 of the desktop certificate (DER), lower-case hex. */
  fingerprint: Hex64,
  /** One-time 128-bit secret, base64url. */
  secret: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  /** Expiry, ms since the epoch. */
  expires: z.number().int().positive(),
});
export type PairingPayload = z.infer<typeof PairingPayload>;

export const DeviceKind = z.enum(['android', 'ios', 'other']);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const PairRequest = z.object({
  secret: z.string().min(1).max(64),
  name: z.string().min(1).max(100),
  kind: DeviceKind,
  model: z.string().max(100).optional(),
}).strict();
export type PairRequest = z.infer<typeof PairRequest>;

export const PairResponse = z.object({
  deviceId: z.string(),
  desktopName: z.string(),
  /** The fingerprint the desktop pinned for this device (its client certificate). */
  pinnedFingerprint: Hex64,
  protocol: z.literal(PROTOCOL_VERSION),
});
export type PairResponse = z.infer<typeof PairResponse>;

export const HelloResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  deviceId: z.string(),
  desktopName: z.string(),
  /** Why this device may not sync right now (a child device without guardian consent), or null. */
  blocked: z.string().nullable(),
  limits: z.object({ jsonBody: z.number(), rangeBody: z.number(), manifestItems: z.number(), commitItems: z.number(), batchItems: z.number().optional() }),
  /** Optional additions this desktop serves (FEATURES); absent on desktops from before them. */
  features: z.array(z.string()).optional(),
});
export type HelloResponse = z.infer<typeof HelloResponse>;

export const ManifestEntry = z.object({
  /** The device's stable id for the item (the agent uses the relative path). */
  id: ItemId,
  category: Category,
  hash: Hex64,
  size: z.number().int().min(0).max(LIMITS.itemSize),
  /** Last modified, ms since the epoch. */
  modified: z.number().int().min(0),
  /** File name shown in the archive (no folders). */
  name: z.string().min(1).max(255),
  mime: z.string().max(100).optional(),
}).strict();
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const ManifestRequest = z.object({
  items: z.array(ManifestEntry).max(LIMITS.manifestItems),
  /** Ids the device no longer holds (deleted on the phone). */
  removed: z.array(ItemId).max(LIMITS.manifestItems).default([]),
}).strict();
export type ManifestRequest = z.infer<typeof ManifestRequest>;

export const ManifestResponse = z.object({
  /** Upload these (with the byte offset the desktop already holds, for resuming). */
  need: z.array(z.object({ id: z.string(), offset: z.number().int().min(0) })),
  /** Already durable in the vault: the device may treat them as acknowledged. */
  have: z.array(z.string()),
  /** Erased by the user: never send again. */
  tombstoned: z.array(z.string()),
  /** What the desktop did with `removed`: 'kept' (archive keeps them) or 'erased'. */
  removed: z.enum(['kept', 'erased']),
  blocked: z.string().nullable(),
});
export type ManifestResponse = z.infer<typeof ManifestResponse>;

export const UploadStatus = z.object({ id: z.string(), received: z.number().int().min(0), size: z.number().int().min(0) });
export type UploadStatus = z.infer<typeof UploadStatus>;

/**
 * The directory at the head of an upload batch body: the files that follow, in order,
 * each whole (bytes 0 to size). Their total is at most the range limit.
 */
export const UploadBatchDirectory = z.object({
  items: z.array(z.object({ id: ItemId, size: z.number().int().min(1).max(LIMITS.rangeBody) }).strict()).min(1).max(LIMITS.batchItems),
}).strict();
export type UploadBatchDirectory = z.infer<typeof UploadBatchDirectory>;

/** One answer per file of a batch, in order: its status, or why it was not taken (upload it on its own). */
export const UploadBatchResult = z.union([
  UploadStatus,
  z.object({ id: z.string(), error: z.object({ code: z.string(), message: z.string() }), received: z.number().int().min(0).optional() }),
]);
export type UploadBatchResult = z.infer<typeof UploadBatchResult>;
export const UploadBatchResponse = z.object({ results: z.array(UploadBatchResult) });
export type UploadBatchResponse = z.infer<typeof UploadBatchResponse>;

/** Encodes an upload batch's head: 4-byte big-endian directory length, then the directory as JSON. */
export function encodeBatchHead(dir: UploadBatchDirectory): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(dir));
  const head = new Uint8Array(4 + json.length);
  new DataView(head.buffer).setUint32(0, json.length);
  head.set(json, 4);
  return head;
}

export const CommitRequest = z.object({ ids: z.array(ItemId).min(1).max(LIMITS.commitItems) }).strict();
export type CommitRequest = z.infer<typeof CommitRequest>;

export const AckStatus = z.enum(['stored', 'duplicate', 'tombstoned', 'incomplete', 'unknown', 'failed']);
export type AckStatus = z.infer<typeof AckStatus>;

export const CommitResponse = z.object({
  /** 'stored' and 'duplicate' (and 'tombstoned') are acknowledgements: durable, the device may free space. */
  results: z.array(z.object({ id: z.string(), status: AckStatus, message: z.string().optional() })),
});
export type CommitResponse = z.infer<typeof CommitResponse>;

/** Statuses that mean "the desktop holds it durably (or it was erased on purpose)". */
export const ACKED: ReadonlySet<AckStatus> = new Set<AckStatus>(['stored', 'duplicate', 'tombstoned']);

export const LocationReport = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Accuracy radius in metres. */
  accuracy: z.number().min(0).max(1e7),
  at: z.number().int().min(0),
}).strict();
export const LocationRequest = z.object({ reports: z.array(LocationReport).min(1).max(1000) }).strict();
export type LocationRequest = z.infer<typeof LocationRequest>;
export const LocationResponse = z.object({ accepted: z.number().int(), dropped: z.number().int(), reason: z.string().nullable() });
export type LocationResponse = z.infer<typeof LocationResponse>;

export const RestoreOffer = z.object({
  offerId: z.string(),
  category: Category,
  /** Where the device should put it, relative to its storage root (checked by the device too). */
  path: z.string().min(1).max(LIMITS.idLength),
  size: z.number().int().min(0),
  hash: Hex64,
  modified: z.number().int().min(0),
});
export type RestoreOffer = z.infer<typeof RestoreOffer>;
export const RestoreListResponse = z.object({ offers: z.array(RestoreOffer) });
export type RestoreListResponse = z.infer<typeof RestoreListResponse>;
export const RestoreAckRequest = z.object({ offerIds: z.array(z.string().min(1).max(200)).min(1).max(LIMITS.commitItems) }).strict();
export type RestoreAckRequest = z.infer<typeof RestoreAckRequest>;

/** Erasures the person made of items this phone sent, not yet acknowledged by it (§3.6). */
export const ErasureNotice = z.object({ receiptId: z.string(), ids: z.array(z.string()), at: z.number() });
export type ErasureNotice = z.infer<typeof ErasureNotice>;
export const ErasuresResponse = z.object({ erasures: z.array(ErasureNotice) });
export type ErasuresResponse = z.infer<typeof ErasuresResponse>;
/** The phone applied a notice: which of its ids it deleted and which it keeps (its settings). */
export const ErasureAckRequest = z.object({
  receiptId: z.string().uuid(),
  deleted: z.array(ItemId).max(100_000),
  kept: z.array(ItemId).max(100_000),
}).strict();
export type ErasureAckRequest = z.infer<typeof ErasureAckRequest>;
export const ErasureAckResponse = z.object({ revised: z.literal(true), outcome: z.enum(['erased', 'kept-on-device']), revision: z.number().int() });
export type ErasureAckResponse = z.infer<typeof ErasureAckResponse>;

/** Every error body: the same { code, message } the rest of Keepsake uses. */
export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Encodes the payload as the URI the QR code carries. */
export function encodePairingUri(p: PairingPayload): string {
  const q = new URLSearchParams({ v: String(p.v), h: p.host, p: String(p.port), fp: p.fingerprint, s: p.secret, e: String(p.expires) });
  return `keepsake-pair:?${q.toString()}`;
}

/** Parses a pairing URI (from the QR or typed); throws a plain-words Error on anything else. */
export function decodePairingUri(uri: string): PairingPayload {
  const text = uri.trim();
  if (!text.startsWith('keepsake-pair:?')) throw new Error('This is not a Keepsake pairing code (it should start with "keepsake-pair:").');
  const q = new URLSearchParams(text.slice('keepsake-pair:?'.length));
  const parsed = PairingPayload.safeParse({
    v: Number(q.get('v')),
    host: q.get('h') ?? '',
    port: Number(q.get('p')),
    fingerprint: (q.get('fp') ?? '').toLowerCase(),
    secret: q.get('s') ?? '',
    expires: Number(q.get('e')),
  });
  if (!parsed.success) throw new Error('This pairing code is damaged or from an unsupported version of Keepsake.');
  return parsed.data;
}
