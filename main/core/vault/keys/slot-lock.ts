// Serialises read-modify-write of one key-slot file inside this process, so two key
// changes started together (say, a passphrase change and a keychain toggle) cannot both
// read the old file and have the second write silently drop the first one's slot.
const tails = new Map<string, Promise<unknown>>();

export async function withSlotFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(path) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(path, tail);
  try {
    return await run;
  } finally {
    if (tails.get(path) === tail) tails.delete(path);
  }
}
