// Handler types derived from the contract: one function per method, typed by its schemas.
import type { MethodName, Output, ParsedInput } from '../../../common/contract';
import type { Core } from '../core';

export type Handler<M extends MethodName> = (input: ParsedInput<M>, core: Core) => Promise<Output<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };
/** A domain module's handlers: exactly the methods whose names start with its prefix. */
export type DomainHandlers<P extends string> = { [M in Extract<MethodName, `${P}.${string}`>]: Handler<M> };
