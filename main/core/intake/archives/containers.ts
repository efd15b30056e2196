// The container importers: Google Takeout (and any) zip and tgz, Android `adb backup` .ab,
// Xiaomi/MIUI .bak. Each stages what it must inside <data>/staging (removed afterwards),
// walks the entries and hands each to the right importer (dispatch.ts). Options carry what
// an import request supplies: the data folder, an .ab password, limits, and the format
// lookup for record files (the registry's detect function).
import { statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { KeepsakeError } from '../../../../common/errors';
import { defaultDataFolder } from '../../paths';
import { readHead } from '../media/read-input';
import type { ImportContext, ImportInput, Importer, ParsedItem } from '../types';
import { payloadDecipher, unlockMasterKey } from './ab-crypto';
import { parseAbHeader } from './ab-header';
import { interpretAppEntry, isInterpretedAppEntry, manifestFields } from './android-apps';
import type { ContainerEnv, FormatLookup } from './dispatch';
import { ByteBudget, defaultArchiveLimits, type ArchiveLimits } from './limits';
import { readMiuiHeader } from './miui';
import { rememberedLocalPath } from './inputs';
import { opaqueItem } from './opaque';
import { StagingArea } from './staging';
import { stageTar } from './tar-source';
import { EntryTree, type TreeEntry } from './tree';
import { walkTree } from './walk';
import { openZipTree } from './zip-source';

export interface ContainerOptions {
  /** Where the staging area goes (default: KEEPSAKE_HOME / the platform data folder). */
  dataFolder?: string;
  /** Android backup password (default: KEEPSAKE_AB_PASSWORD). */
  password?: string;
  limits?: ArchiveLimits;
  /** Finds the record parser for a file (default: the format registry). */
  lookup?: FormatLookup;
}

async function defaultLookup(): Promise<FormatLookup> {
  const { lookupRecordFormat } = await import('./registry-link');
  return lookupRecordFormat;
}

async function makeEnv(opts: ContainerOptions): Promise<ContainerEnv> {
  const limits = opts.limits ?? defaultArchiveLimits;
  const password = opts.password ?? process.env.KEEPSAKE_AB_PASSWORD;
  return {
    depth: 0,
    limits,
    budget: new ByteBudget(limits),
    staging: await StagingArea.create(opts.dataFolder ?? defaultDataFolder()),
    lookup: opts.lookup ?? (await defaultLookup()),
    ...(password !== undefined ? { password } : {}),
  };
}

/**
 * Runs a container body with a fresh env. Its staging area is removed when the caller says
 * it has consumed every item (ctx.defer), else marked finished for the next sweep.
 * See [Note: Staging lifetime] in staging.ts.
 */
function topLevel(body: (input: ImportInput, ctx: ImportContext, env: ContainerEnv) => AsyncGenerator<ParsedItem>, opts: ContainerOptions): Importer {
  return async function* (input, ctx) {
    const env = await makeEnv(opts);
    const defer = (ctx as { defer?: (cleanup: () => void) => void }).defer;
    try {
      yield* body(input, ctx, env);
    } finally {
      if (defer) defer(() => env.staging.dispose());
      else env.staging.finish();
    }
  };
}

/** A local file path for the input (staged when the input is not a plain local file). */
async function localPathOf(input: ImportInput, env: ContainerEnv): Promise<string> {
  const remembered = rememberedLocalPath(input);
  if (remembered) return remembered;
  try {
    if (statSync(input.path).isFile() && statSync(input.path).size === input.size) return input.path;
  } catch {
    // not a local path: an entry inside another container
  }
  return (await env.staging.write(input.path, input.open(), env.budget, env.limits.maxEntryBytes)).path;
}

export async function* zipBody(input: ImportInput, ctx: ImportContext, env: ContainerEnv): AsyncGenerator<ParsedItem> {
  const handle = await openZipTree(await localPathOf(input, env), input.path, env.limits, env.budget, ctx);
  try {
    yield* walkTree(handle.tree, ctx, env, undefined, input.size);
  } finally {
    handle.close();
  }
}

async function* fromStagedTar(label: string, source: Readable, ctx: ImportContext, env: ContainerEnv, android: boolean, containerSize?: number): AsyncGenerator<ParsedItem> {
  const { entries, error } = await stageTar(source, {
    staging: env.staging,
    budget: env.budget,
    limits: env.limits,
    refuse: (n, r) => ctx.refuse(n, r),
    checkpoint: () => ctx.checkpoint(),
  });
  if (error && entries.length === 0) throw error;
  const tree = EntryTree.fromStaged(label, entries);
  yield* walkTree(tree, ctx, env, android ? androidHandler(ctx) : undefined, containerSize);
  if (error) ctx.refuse('(end of archive)', `${error.message} The ${entries.length} entries before that point were imported.`);
}

export async function* tgzBody(input: ImportInput, ctx: ImportContext, env: ContainerEnv): AsyncGenerator<ParsedItem> {
  yield* fromStagedTar(input.path, input.open().pipe(createGunzip()), ctx, env, false, input.size);
}

function skipBytes(n: number): Transform {
  let left = n;
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      if (left >= chunk.length) {
        left -= chunk.length;
        cb();
        return;
      }
      const rest = chunk.subarray(left);
      left = 0;
      cb(null, rest);
    },
  });
}

function androidHandler(ctx: ImportContext): (entry: TreeEntry) => AsyncIterable<ParsedItem> | null {
  return (entry) => {
    if (/^apps\/[^/]+\/_manifest$/.test(entry.name)) {
      return (async function* () {
        yield await opaqueItem(entry, { kind: 'android app manifest', ...(await manifestFields(entry)) });
      })();
    }
    if (isInterpretedAppEntry(entry.name)) {
      return (async function* () {
        yield* interpretAppEntry(entry, ctx);
        yield await opaqueItem(entry, { kind: 'android app data', interpreted: true });
      })();
    }
    return null;
  };
}

/** Android backup body; `offset` is where "ANDROID BACKUP" starts (after a MIUI header). */
export async function* androidBackupBody(input: ImportInput, ctx: ImportContext, env: ContainerEnv, offset = 0): AsyncGenerator<ParsedItem> {
  const head = await readHead(input, offset + 8192);
  const header = parseAbHeader(head, offset);
  let stream: Readable = input.open().pipe(skipBytes(offset + header.headerLength));
  if (header.crypto) {
    if (env.password === undefined || env.password === '') {
      throw new KeepsakeError('WRONG_PASSPHRASE', 'This Android backup is encrypted. Enter the password that was typed on the phone when the backup was made.', { needsPassword: true });
    }
    const master = unlockMasterKey(header.crypto, env.password, header.version);
    const decipher = payloadDecipher(master);
    stream.on('error', (e) => decipher.destroy(e));
    stream = stream.pipe(decipher);
  }
  if (header.compressed) {
    const inflate = createInflate();
    stream.on('error', (e) => inflate.destroy(e));
    stream = stream.pipe(inflate);
  }
  yield* fromStagedTar(input.path, stream, ctx, env, true, input.size);
}

export async function* miuiBody(input: ImportInput, ctx: ImportContext, env: ContainerEnv): AsyncGenerator<ParsedItem> {
  const head = await readHead(input, 8192);
  const miui = readMiuiHeader(head);
  const descript = input.sibling?.('descript.xml') ?? null;
  const device = descript ? await (await import('./miui')).readDescript(descript) : {};
  for await (const item of androidBackupBody(input, ctx, env, miui.androidOffset)) {
    // Backup-internal files (app data kept opaque: they have a `kind`) carry the backup's
    // facts. Photos, contacts, messages do not: the phone is their origin device
    // (origin-device.ts), and extra fields would change their fingerprint, so the same
    // photo from this backup and from a folder would become two items instead of one
    // item with two sources.
    if (typeof item.fields.kind === 'string') item.fields.miui = { package: miui.packageName, label: miui.label, ...device };
    yield item;
  }
}

export function zipImporter(opts: ContainerOptions = {}): Importer {
  return topLevel(zipBody, opts);
}
export function tgzImporter(opts: ContainerOptions = {}): Importer {
  return topLevel(tgzBody, opts);
}
export function androidBackupImporter(opts: ContainerOptions = {}): Importer {
  return topLevel((i, c, e) => androidBackupBody(i, c, e), opts);
}
export function miuiBackupImporter(opts: ContainerOptions = {}): Importer {
  return topLevel(miuiBody, opts);
}
