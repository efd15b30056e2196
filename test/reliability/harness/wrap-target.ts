// A CloudTarget that forwards every call to a real one except the methods given: the
// base for the test targets that stop, delay or hide things (lock lapse, eventual
// consistency) without touching the real target's code.
import type { CloudTarget } from '../../../main/core/cloud/target';

export function wrapTarget(real: CloudTarget, overrides: Partial<Omit<CloudTarget, 'kind' | 'description'>>): CloudTarget {
  const base: CloudTarget = {
    kind: real.kind,
    description: real.description,
    capabilities: () => real.capabilities(),
    put: (...a) => real.put(...a),
    get: (...a) => real.get(...a),
    head: (...a) => real.head(...a),
    list: (...a) => real.list(...a),
    delete: (...a) => real.delete(...a),
    close: () => real.close(),
  };
  if (real.abortOrphanedUploads) base.abortOrphanedUploads = (ms) => real.abortOrphanedUploads!(ms);
  return { ...base, ...overrides };
}
