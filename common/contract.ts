// The contract: every method (`domain.verb`) and event (`domain.pastTense`) Keepsake's
// hosts serve, declared once as zod schemas. The Electron host serves it over IPC, the
// web host over POST /rpc/<method> + SSE /events, the CLI calls it in-process. Core's
// handlers are typed from it, so a missing handler is a compile error.
import type { z } from 'zod';
import { appMethods } from './contract/app';
import { cloudEvents, cloudMethods } from './contract/cloud';
import { dialogMethods } from './contract/dialogs';
import { erasureMethods } from './contract/erasure';
import type { EventSpec, MethodSpec } from './contract/define';
import { devicesEvents, devicesMethods } from './contract/devices';
import { intakeMethods } from './contract/intake';
import { jobEvents, jobMethods } from './contract/jobs';
import { libraryEvents, libraryMethods } from './contract/library';
import { recoveryMethods } from './contract/recovery';
import { securityMethods } from './contract/security';
import { settingsMethods } from './contract/settings';
import { vaultEvents, vaultMethods } from './contract/vault';
import { watchMethods } from './contract/watch';

export const methods = {
  ...appMethods,
  ...dialogMethods,
  ...erasureMethods,
  ...vaultMethods,
  ...jobMethods,
  ...intakeMethods,
  ...securityMethods,
  ...settingsMethods,
  ...cloudMethods,
  ...devicesMethods,
  ...libraryMethods,
  ...recoveryMethods,
  ...watchMethods,
} satisfies Record<string, MethodSpec>;

export const events = {
  ...jobEvents,
  ...vaultEvents,
  ...cloudEvents,
  ...devicesEvents,
  ...libraryEvents,
} satisfies Record<string, EventSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Input<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type Output<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

export { type ErrorData } from './errors';
import type { ErrorData } from './errors';

/** What every call returns across a host boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };
