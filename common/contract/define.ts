// Helpers to declare contract methods and events once, as zod schemas with a doc string.
import type { z } from 'zod';

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** One sentence a person can read: what the method does. */
  doc: string;
  input: I;
  output: O;
  /** Methods that need an unlocked vault are refused with VAULT_LOCKED before the handler runs. */
  needsVault: boolean;
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: {
  doc: string;
  input: I;
  output: O;
  needsVault?: boolean;
}): MethodSpec<I, O> {
  return { doc: spec.doc, input: spec.input, output: spec.output, needsVault: spec.needsVault ?? true };
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  doc: string;
  payload: P;
}

export function event<P extends z.ZodType>(doc: string, payload: P): EventSpec<P> {
  return { doc, payload };
}
