// devices.*: paired phones — the desktop identity fingerprint (Settings), pairing with a
// QR code, the device list with per-category statistics, per-device options (child flag,
// deletions follow the phone, categories), unpairing (revokes the pin) and the gateway.
import * as z from 'zod';
import { Category } from '../domain';
import { event, method } from './define';

export const DeviceKindName = z.enum(['android', 'ios', 'other']);

export const DeviceInfo = z.object({
  id: z.string(),
  name: z.string(),
  kind: DeviceKindName,
  model: z.string().nullable(),
  pinnedFingerprint: z.string().nullable(),
  pairedAt: z.number(),
  revokedAt: z.number().nullable(),
  lastSyncAt: z.number().nullable(),
  child: z.boolean(),
  deleteFollowsPhone: z.boolean(),
  syncCategories: z.array(Category),
  stats: z.array(z.object({ category: Category, items: z.number(), bytes: z.number() })),
  pendingUploads: z.number(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

export const GatewayState = z.object({
  running: z.boolean(),
  listening: z.array(z.object({ host: z.string(), port: z.number() })),
  connections: z.object({ pending: z.number(), pairing: z.number(), devices: z.number() }),
});
export type GatewayState = z.infer<typeof GatewayState>;

const Host = z.string().min(1).max(255).regex(/^[0-9A-Za-z.:-]+$/, 'an IP address or host name');
const DeviceId = z.string().min(1).max(100);

export const devicesMethods = {
  'devices.identity': method({
    doc: "The desktop's device certificate fingerprint (SHA-256), for comparing by eye in Settings.",
    input: z.object({}).strict(),
    output: z.object({ fingerprint: z.string(), display: z.string(), createdAt: z.number() }),
  }),
  'devices.list': method({
    doc: 'Paired (and unpaired) devices with their last sync, options and items and bytes per category.',
    input: z.object({}).strict(),
    output: z.object({ devices: z.array(DeviceInfo) }),
  }),
  'devices.pairingStart': method({
    doc: 'Open a one-time pairing for a few minutes; returns the QR code (SVG), the same as text, and its expiry.',
    input: z.object({ host: Host.optional() }).strict(),
    output: z.object({ uri: z.string(), svg: z.string(), terminal: z.string(), expires: z.number(), host: z.string(), port: z.number(), fingerprint: z.string() }),
  }),
  'devices.pairingCancel': method({
    doc: 'Close the open pairing, so its code no longer works.',
    input: z.object({}).strict(),
    output: z.object({}),
  }),
  'devices.unpair': method({
    doc: 'Unpair a device: its pinned certificate is revoked at once and its connections closed. Its archived items stay.',
    input: z.object({ id: DeviceId }).strict(),
    output: DeviceInfo,
  }),
  'devices.setOptions': method({
    doc: "Change a device's name, child flag (a child's device syncs nothing without guardian consent), whether phone deletions erase the archive, and which categories it syncs.",
    input: z.object({ id: DeviceId, name: z.string().min(1).max(100).optional(), child: z.boolean().optional(), deleteFollowsPhone: z.boolean().optional(), syncCategories: z.array(Category).optional() }).strict(),
    output: DeviceInfo,
  }),
  'devices.gatewayStart': method({
    doc: 'Start the HTTPS gateway phones sync with, on the chosen interfaces (default: all IPv4 interfaces) and port.',
    input: z.object({ hosts: z.array(Host).min(1).max(8).optional(), port: z.number().int().min(0).max(65535).optional() }).strict(),
    output: GatewayState,
  }),
  'devices.gatewayStop': method({
    doc: 'Stop the gateway; paired phones cannot sync until it is started again.',
    input: z.object({}).strict(),
    output: GatewayState,
  }),
  'devices.gatewayStatus': method({
    doc: 'Whether the gateway runs, where it listens and how many connections it holds.',
    input: z.object({}).strict(),
    output: GatewayState,
    needsVault: false,
  }),
};

export const devicesEvents = {
  'devices.changed': event('A device was paired, unpaired or changed, or the gateway started or stopped.', z.object({ reason: z.string() })),
};
