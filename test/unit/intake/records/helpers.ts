// Shared by the record-parser tests: run an importer over a real fixture file (read-only,
// /work/shared/fixtures or FIXTURES) and collect its items, refusals and notes, or the
// KeepsakeError it refused the whole file with.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KeepsakeError } from '../../../../common/errors';
import { bufferInput, fileInput } from '../../../../main/core/intake/records/util';
import { collectingContext, type ImportInput, type Importer, type ParsedItem, type Refusal } from '../../../../main/core/intake/types';

export const FIXTURES = resolve(process.env.FIXTURES ?? '/work/shared/fixtures');

export interface Outcome {
  items: ParsedItem[];
  refusals: Refusal[];
  notes: string[];
  error: KeepsakeError | null;
}

export async function runImporter(importer: Importer, input: ImportInput): Promise<Outcome> {
  const ctx = collectingContext();
  const items: ParsedItem[] = [];
  let error: KeepsakeError | null = null;
  try {
    for await (const it of importer(input, ctx)) items.push(it);
  } catch (e) {
    if (!(e instanceof KeepsakeError)) throw e; // anything else is a bug and fails the test
    error = e;
  }
  return { items, refusals: ctx.refusals, notes: ctx.notes, error };
}

export function fixture(rel: string): ImportInput {
  return fileInput(join(FIXTURES, rel));
}

export async function runFixture(importer: Importer, rel: string): Promise<Outcome> {
  return runImporter(importer, fixture(rel));
}

export async function runBytes(importer: Importer, name: string, bytes: Buffer | string): Promise<Outcome> {
  return runImporter(importer, bufferInput(name, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)));
}

/** Every file under a fixture folder, as paths relative to FIXTURES. */
export function fixtureFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(join(FIXTURES, d)).sort()) {
      const rel = join(d, n);
      if (statSync(join(FIXTURES, rel)).isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk(folder);
  return out;
}

export function fileBytes(item: ParsedItem, name: string): Buffer {
  const f = item.files?.find((x) => x.name === name);
  if (!f || !Buffer.isBuffer(f.data)) throw new Error(`no in-memory file ${name}`);
  return f.data;
}

export function fieldsOf<T = Record<string, unknown>>(item: ParsedItem | undefined): T {
  if (!item) throw new Error('no item');
  return item.fields as T;
}
