// The category names alone, without zod. Core's paths that run in every CLI command (an
// item's validation in the vault) check membership here, so `keepsake backup`, `restore`
// and `check` do not load zod at all: its module graph cost every run ~60 ms of CPU and
// ~15 MB before the first file. common/domain.ts builds the zod enum from this list.
/** What kind of personal thing an item is. Order is the order the UI lists them in. */
export const CATEGORIES = ['message', 'call', 'contact', 'photo', 'video', 'screenshot', 'note', 'email', 'event', 'location', 'file'] as const;

const known: ReadonlySet<string> = new Set(CATEGORIES);

export function isCategory(value: unknown): value is (typeof CATEGORIES)[number] {
  return typeof value === 'string' && known.has(value);
}
