// The typed client: `api.call('app.about', {})` returns the contract's output type or
// throws ApiError with the contract's error code and a plain message.
import type { EventName, EventPayload, Input, MethodName, Output } from '../../common/contract';
import type { ErrorCode } from '../../common/errors';
import { createTransport, type Transport } from './transport';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class Api {
  constructor(readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
    const result = await this.transport.invoke(method, input);
    if (result.ok) return result.value as Output<M>;
    throw new ApiError(result.error.code, result.error.message);
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.subscribe((e) => {
      if (e.name === name) listener(e.payload as EventPayload<E>);
    });
  }

  mediaUrl(id: string): string {
    return this.transport.mediaUrl(id);
  }
}

export const api = new Api(createTransport());
