// An eventually consistent CloudTarget for RELIABILITY row 14, after kopia's
// eventually_consistent.go: wraps a real target (s3rver) and, for `windowMs` after each
// change, may serve the world as it was — the way some "S3-compatible" providers do:
//   - LIST hides keys created less than `windowMs` ago and still shows keys deleted less
//     than `windowMs` ago;
//   - GET and HEAD of a key overwritten or deleted less than `windowMs` ago return the
//     previous version (or "not found" if there was none) with probability `staleness`;
//   - a brand-new key reads back at once (read-after-write for new keys).
// It also records every delete with the deleted object's age, for the safety-margin check.
import { KeepsakeError } from '../../../common/errors';
import type { CloudTarget, ObjectInfo } from '../../../main/core/cloud/target';
import { rng } from './kill-loop';
import { wrapTarget } from './wrap-target';

interface Version {
  body: Buffer | null; // null: the key did not exist (or was deleted)
  at: number;
}
interface History {
  createdAt: number;
  current: Version;
  previous: Version | null;
  info: ObjectInfo | null;
}

export interface EventualTarget extends CloudTarget {
  /** Every delete the wrapped target received: name and the object's age then (ms). */
  readonly deletes: Array<{ name: string; ageMs: number; at: number }>;
  readonly stats: { staleReads: number; hiddenFromList: number; ghostsInList: number };
}

export function eventuallyConsistent(real: CloudTarget, opts: { windowMs: number; staleness: number; seed: number; now?: () => number }): EventualTarget {
  const now = opts.now ?? Date.now;
  const random = rng(opts.seed);
  const keys = new Map<string, History>();
  const deletes: EventualTarget['deletes'] = [];
  const stats = { staleReads: 0, hiddenFromList: 0, ghostsInList: 0 };
  const recent = (v: Version | null | undefined): boolean => !!v && now() - v.at < opts.windowMs;
  /** The version a read sees now: the previous one if the change is recent and the dice say so. */
  const seen = (name: string): Version | null => {
    const h = keys.get(name);
    if (!h) return null;
    if (h.previous && recent(h.current) && random() < opts.staleness) {
      stats.staleReads++;
      return h.previous;
    }
    return h.current;
  };
  const notFound = (name: string): KeepsakeError => new KeepsakeError('NOT_FOUND', `No object ${name.slice(0, 12)}… on the target.`);

  const target = wrapTarget(real, {
    async put(name, body, size, signal, known) {
      const bytes = Buffer.isBuffer(body) ? body : null;
      const r = await real.put(name, body, size, signal, known);
      const at = now();
      const h = keys.get(name);
      const version: Version = { body: bytes, at };
      if (h) keys.set(name, { ...h, previous: h.current, current: version });
      else keys.set(name, { createdAt: at, current: version, previous: null, info: null });
      return r;
    },
    async get(name, range, signal) {
      const v = seen(name);
      if (v && v !== keys.get(name)?.current) {
        if (v.body === null) throw notFound(name);
        return range ? v.body.subarray(range.start, range.end + 1) : v.body;
      }
      return real.get(name, range, signal);
    },
    async head(name, signal) {
      const v = seen(name);
      if (v && v !== keys.get(name)?.current) {
        if (v.body === null) return null;
        return { name, size: v.body.length, modifiedAt: v.at };
      }
      return real.head(name, signal);
    },
    async list(prefix, signal) {
      const listed = await real.list(prefix, signal);
      const out: ObjectInfo[] = [];
      for (const o of listed) {
        const h = keys.get(o.name);
        if (h) h.info = o;
        if (h && now() - h.createdAt < opts.windowMs) stats.hiddenFromList++;
        else out.push(o);
      }
      for (const [name, h] of keys) {
        if (h.current.body === null && h.info && recent(h.current) && (!prefix || name.startsWith(prefix)) && !out.some((o) => o.name === name)) {
          stats.ghostsInList++;
          out.push(h.info);
        }
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
    async delete(name, signal) {
      const info = (await real.head(name, signal).catch(() => null)) ?? null;
      await real.delete(name, signal);
      const at = now();
      if (info) deletes.push({ name, ageMs: at - info.modifiedAt, at });
      const h = keys.get(name);
      const version: Version = { body: null, at };
      if (h) keys.set(name, { ...h, previous: h.current, current: version, info: h.info ?? info });
      else keys.set(name, { createdAt: at, current: version, previous: info ? { body: null, at: info.modifiedAt } : null, info });
    },
  });
  return Object.assign(target, { deletes, stats });
}
