// The provider conformance check, run when a target is added (and by the tests against
// each kind of server): does this storage behave the way the mirror relies on? Each check
// reports in plain words; a failure that would put data at risk makes the target unusable,
// a quirk Keepsake works around is a warning. [RELIABILITY row 15]
import { randomBytes } from 'node:crypto';
import { KeepsakeError, isKeepsakeError } from '../../../common/errors';
import { isRetryable } from './retry';
import type { CloudTarget, TargetCapabilities } from './target';

export type CheckLevel = 'ok' | 'warning' | 'error';

export interface ConformanceCheck {
  id: 'reach' | 'not-found' | 'write-read' | 'range' | 'atomic-put' | 'list' | 'delete' | 'versioning' | 'object-lock' | 'multipart-cleanup';
  level: CheckLevel;
  message: string;
}

export interface ConformanceReport {
  ok: boolean;
  checks: ConformanceCheck[];
  capabilities: TargetCapabilities | null;
}

const probeName = (): string => randomBytes(32).toString('hex');

export async function checkConformance(target: CloudTarget, opts: { atomicBytes?: number } = {}): Promise<ConformanceReport> {
  const checks: ConformanceCheck[] = [];
  const add = (id: ConformanceCheck['id'], level: CheckLevel, message: string): void => void checks.push({ id, level, message });
  let caps: TargetCapabilities | null = null;
  try {
    caps = await target.capabilities();
    add('reach', 'ok', `Reached ${target.description}.`);
  } catch (e) {
    add('reach', 'error', `Could not use ${target.description}: ${messageOf(e)}`);
    return { ok: false, checks, capabilities: null };
  }

  const probes: string[] = [];
  try {
    const missing = probeName();
    try {
      const head = await target.head(missing);
      await target.get(missing).then(
        () => add('not-found', 'error', 'Reading an object that does not exist returned data instead of "not found". Keepsake cannot tell missing data from present data here.'),
        (e: unknown) => {
          if (head === null && isKeepsakeError(e) && e.code === 'NOT_FOUND') add('not-found', 'ok', 'A missing object is reported as missing, distinct from other errors.');
          else add('not-found', 'error', `A missing object was reported as an error of another kind (${messageOf(e)}).`);
        },
      );
    } catch (e) {
      add('not-found', 'error', `Checking for a missing object failed: ${messageOf(e)}`);
    }

    const name = probeName();
    probes.push(name);
    const data = randomBytes(64 * 1024);
    await target.put(name, data, data.length);
    const back = await target.get(name);
    if (back.equals(data)) add('write-read', 'ok', 'What is written reads back byte for byte.');
    else add('write-read', 'error', 'An object read back differently from what was written.');

    const part = await target.get(name, { start: 1000, end: 1999 });
    if (part.equals(data.subarray(1000, 2000))) add('range', 'ok', 'Partial reads return exactly the bytes asked for.');
    else add('range', 'error', 'Partial reads returned the wrong bytes.');

    add(...(await atomicity(target, probes, opts.atomicBytes ?? 2 * 1024 * 1024)));

    const listed = await target.list(name.slice(0, 6));
    if (listed.some((o) => o.name === name && o.size === data.length)) add('list', 'ok', 'New objects show up in listings with their size.');
    else add('list', 'error', 'A new object did not show up in the listing. Keepsake would not be able to clean up safely here.');

    await target.delete(name);
    await target.delete(name);
    if ((await target.head(name)) === null) add('delete', 'ok', 'Deleting works, and deleting twice is harmless.');
    else add('delete', 'error', 'An object was still there after deleting it.');
  } catch (e) {
    add('write-read', 'error', `The target failed during the check: ${messageOf(e)}`);
  } finally {
    for (const p of probes) await target.delete(p).catch(() => undefined);
  }

  if (caps.versioned === true) add('versioning', 'warning', 'Versioning is on. Keepsake deletes every version when it removes data, so deletion still works; copies your provider keeps beyond that stay encrypted and are named on erasure receipts.');
  else if (caps.versioned === 'unknown') add('versioning', 'warning', 'Could not find out whether versioning is on (no permission). If it is, old versions of deleted data may remain (encrypted).');
  else add('versioning', 'ok', 'No object versioning: deleted data is gone from the target.');
  if (caps.objectLock === true) add('object-lock', 'warning', 'Object Lock is on: locked versions cannot be deleted before their retention ends. They stay encrypted, and erasure receipts will name them.');
  else if (caps.objectLock === 'unknown') add('object-lock', 'warning', 'Could not find out whether Object Lock is on.');
  else add('object-lock', 'ok', 'No Object Lock: Keepsake can delete what it uploaded.');
  // RELIABILITY row 12: Keepsake does not change bucket settings, so it says what to add.
  if (caps.kind === 's3') add('multipart-cleanup', 'ok', 'Large uploads cut off by a crash are aborted by Keepsake at a later sync once they are a day old. As a second net, add an AbortIncompleteMultipartUpload lifecycle rule (for example after 7 days) to this bucket at your provider.');

  return { ok: checks.every((c) => c.level !== 'error'), checks, capabilities: caps };
}

/** Overwrite a large object while reading it: a reader must see the old or the new object, whole. */
async function atomicity(target: CloudTarget, probes: string[], size: number): Promise<[ConformanceCheck['id'], CheckLevel, string]> {
  const name = probeName();
  probes.push(name);
  const a = Buffer.alloc(size, 0x61);
  const b = Buffer.alloc(size, 0x62);
  await target.put(name, a, a.length);
  let mixed = false;
  let vanished = false;
  let writing = true;
  const writer = target.put(name, b, b.length).finally(() => (writing = false));
  for (let i = 0; i < 20 && (writing || i < 2); i++) {
    try {
      const got = await target.get(name);
      const first = got[0];
      const uniform = got.every((x) => x === first);
      // s3rver truncates the file and rewrites it in place: a reader may get the first
      // part of the NEW object, shorter than it will be. That is the same quirk as being
      // cut off (Keepsake never replaces data, and what it does replace is sealed, so a
      // short copy fails to open rather than being trusted). Old and new bytes in one
      // read, or anything longer or different, is a half-written object.
      if (got.length < size && uniform && (got.length === 0 || first === 0x62)) vanished = true;
      else if (got.length !== size || !uniform) mixed = true;
    } catch (e) {
      // Some servers (s3rver among them) cut a reader off while the object is being
      // replaced: the same quirk as a brief disappearance, handled the same way.
      if ((isKeepsakeError(e) && e.code === 'NOT_FOUND') || isRetryable(e)) vanished = true;
      else throw e;
    }
  }
  await writer;
  if (mixed) return ['atomic-put', 'error', 'A reader saw a half-written object while it was being replaced. Keepsake cannot keep a consistent copy here.'];
  if (vanished) return ['atomic-put', 'warning', 'Replacing an object briefly hides it from readers, or cuts them off. Keepsake works around this (it never replaces data, and keeps two manifest copies).'];
  return ['atomic-put', 'ok', 'Objects appear whole: a reader never sees a half-written upload.'];
}

function messageOf(e: unknown): string {
  return e instanceof KeepsakeError ? e.message : 'an unexpected error';
}
