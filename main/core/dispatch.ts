// The one entry point every host calls: validate the input against the contract, refuse
// what needs an unlocked vault while it is locked, run the handler, and turn every
// failure into error data with a closed code. Unknown errors become INTERNAL with a plain
// message; their details go to the log (redacted), never to the caller.
import { isMethodName, methods, type MethodName, type Output, type Result } from '../../common/contract';
import { KeepsakeError, isKeepsakeError } from '../../common/errors';
import type { Core } from './core';
import { handlers } from './handlers';
import type { Handler } from './handlers/types';

export async function dispatch(core: Core, method: string, rawInput: unknown): Promise<Result<unknown>> {
  try {
    if (!isMethodName(method)) throw new KeepsakeError('UNKNOWN_METHOD', `There is no method called "${method.slice(0, 80)}".`);
    return { ok: true, value: await call(core, method, rawInput) };
  } catch (e) {
    if (isKeepsakeError(e)) return { ok: false, error: e.toData() };
    core.log.error('dispatch.internal', { method: method.slice(0, 80), error: e instanceof Error ? e.message : String(e) });
    return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Keepsake. The log has details.' } };
  }
}

/** Calls a method in-process (CLI, tests) and throws KeepsakeError on failure. */
export async function call<M extends MethodName>(core: Core, method: M, rawInput: unknown): Promise<Output<M>> {
  const spec = methods[method];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` (${first.path.join('.')})` : '';
    throw new KeepsakeError('BAD_INPUT', `The request for ${method} was not valid${where}: ${first?.message ?? 'invalid input'}.`);
  }
  if (spec.needsVault && !core.vault) throw new KeepsakeError('VAULT_LOCKED', 'Unlock the vault first.');
  core.touch();
  const handler = handlers[method] as Handler<M>;
  return handler(parsed.data as never, core);
}
