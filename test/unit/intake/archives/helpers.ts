// Shared test helpers for container imports: a temp data folder, running an importer to
// completion with a collecting context, and building tar/.ab streams with tar-stream.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import tar from 'tar-stream';
import { collectingContext, type Importer, type ImportInput, type ParsedItem } from '../../../../main/core/intake/types';

/** A private parent folder holding the data folder (<parent>/data) and test inputs (<parent>/in). */
export function tempDataFolder(): { parent: string; dir: string; inputs: string; stagingLeftovers(): string[]; cleanup(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'keepsake-intake-'));
  const dir = join(parent, 'data');
  const inputs = join(parent, 'in');
  mkdirSync(dir);
  mkdirSync(inputs);
  return {
    parent,
    dir,
    inputs,
    stagingLeftovers: () => (existsSync(join(dir, 'staging')) ? readdirSync(join(dir, 'staging')) : []),
    cleanup: () => rmSync(parent, { recursive: true, force: true }),
  };
}

/**
 * Runs an importer the way the import job does, and then the deferred cleanups (as the
 * job would after storing the last batch). `lazyBeforeCleanup` opens every lazily-opened
 * file after the importer finished but before cleanup — what the job's final flush does.
 */
export async function runImporter(importer: Importer, input: ImportInput) {
  const cleanups: Array<() => void> = [];
  const ctx = { ...collectingContext(), defer: (f: () => void) => cleanups.push(f) };
  const items: ParsedItem[] = [];
  let error: unknown;
  try {
    for await (const item of importer(input, ctx)) items.push(item);
  } catch (e) {
    error = e;
  }
  const lazyBytes: number[] = [];
  for (const item of items) {
    for (const f of item.files ?? []) {
      if (typeof f.data !== 'function') continue;
      let n = 0;
      for await (const c of f.data() as AsyncIterable<Buffer>) n += c.length;
      lazyBytes.push(n);
    }
  }
  for (const c of cleanups) c();
  return { items, refusals: ctx.refusals, error, lazyBytes };
}

export async function tarOf(files: Array<{ name: string; data: Buffer; type?: 'file' | 'symlink'; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const f of files) {
    if (f.type === 'symlink') pack.entry({ name: f.name, type: 'symlink', linkname: f.linkname ?? '/etc' });
    else pack.entry({ name: f.name, size: f.data.length }, f.data);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** An unencrypted, compressed adb backup around a tar. */
export function abOf(tarBytes: Buffer, version = 5): Buffer {
  return Buffer.concat([Buffer.from(`ANDROID BACKUP\n${version}\n1\nnone\n`), deflateSync(tarBytes)]);
}

export function countBy(items: ParsedItem[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[i.category] = (out[i.category] ?? 0) + 1;
  return out;
}
