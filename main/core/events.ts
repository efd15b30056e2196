// A typed event bus for contract events. Hosts subscribe once and forward every event
// (IPC to the renderer, SSE to browsers); payloads are validated against the contract in
// tests, so what crosses a boundary is what the contract says.
import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../common/contract';

export type AnyEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export class EventBus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', { name, payload });
  }
  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: (event: AnyEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
