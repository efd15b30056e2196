// Connection accounting for the gateway. [Note: Connection caps]
// A flood of connections must not lock paired devices out. So connections are counted
// in three pools: not-yet-authenticated (TCP accepted, TLS not finished) — capped, and
// when full the OLDEST is dropped, so a new handshake from a real device always gets a
// slot; pairing connections — a small cap; and per paired device — a cap each, so one
// device (or a stolen identity) cannot take every slot from the others.
import type { Socket } from 'node:net';

export interface ConnectionCaps {
  pending: number;
  pairing: number;
  perDevice: number;
}

export class ConnectionGuard {
  /** Keyed by "address:port", which the TLS socket made from the raw one shares. */
  private readonly pending = new Map<string, Socket>();
  private readonly pairing = new Set<Socket>();
  private readonly byDevice = new Map<string, Set<Socket>>();
  evicted = 0;
  refused = 0;

  constructor(private readonly caps: ConnectionCaps) {}

  /** A TCP connection arrived: count it as pending, dropping the oldest pending one when full. */
  accepted(socket: Socket): void {
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    this.pending.set(key, socket);
    socket.once('close', () => {
      if (this.pending.get(key) === socket) this.pending.delete(key);
    });
    while (this.pending.size > this.caps.pending) {
      const [oldestKey, oldest] = this.pending.entries().next().value as [string, Socket];
      this.pending.delete(oldestKey);
      this.evicted += 1;
      oldest.destroy();
    }
  }

  /** The TLS handshake finished: the connection leaves the pending pool. */
  handshook(socket: Socket): void {
    this.pending.delete(`${socket.remoteAddress}:${socket.remotePort}`);
  }

  /** Admits a pairing connection; false (refused) when the pairing pool is full. */
  admitPairing(socket: Socket): boolean {
    if (this.pairing.size >= this.caps.pairing) {
      this.refused += 1;
      return false;
    }
    this.pairing.add(socket);
    socket.once('close', () => this.pairing.delete(socket));
    return true;
  }

  /** Admits a connection of a paired device; false (refused) when that device is at its cap. */
  admitDevice(deviceId: string, socket: Socket): boolean {
    let set = this.byDevice.get(deviceId);
    if (!set) {
      set = new Set();
      this.byDevice.set(deviceId, set);
    }
    if (set.size >= this.caps.perDevice) {
      this.refused += 1;
      return false;
    }
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.byDevice.get(deviceId) === set) this.byDevice.delete(deviceId);
    });
    return true;
  }

  /** Drops every live connection of a device (it was just unpaired). */
  dropDevice(deviceId: string): void {
    for (const s of this.byDevice.get(deviceId) ?? []) s.destroy();
  }

  counts(): { pending: number; pairing: number; devices: number } {
    let devices = 0;
    for (const s of this.byDevice.values()) devices += s.size;
    return { pending: this.pending.size, pairing: this.pairing.size, devices };
  }

  dropAll(): void {
    for (const s of [...this.pending.values(), ...this.pairing, ...[...this.byDevice.values()].flatMap((x) => [...x])]) s.destroy();
  }
}
