// `keepsake search <words…> [--category c] [--from date] [--to date] [--device id] [--json]`:
// the same search as the app's search box (main/core/library/search.ts), grouped by category.
import { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import { Library } from '../../core/library/library';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print } from './vault-common';

function date(v: unknown, flag: string): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new KeepsakeError('BAD_INPUT', `${flag} must be a date like 2024-06-15.`);
  return t;
}

export const searchCommand: Command = {
  name: 'search',
  usage: [
    'Usage: keepsake search <words…> [--category message] [--from 2024-01-01] [--to 2024-12-31] [--device id] [--json]',
    '',
    'Words match whole words; end a word with * for a prefix ("pho*"); "quote words" for a phrase.',
    PASSPHRASE_HELP,
  ].join('\n'),
  options: {
    ...PASSPHRASE_OPTIONS,
    category: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    device: { type: 'string' },
  },
  async run(ctx) {
    const q = ctx.positionals.join(' ').trim();
    if (!q) throw new KeepsakeError('BAD_INPUT', 'Give some words to search for, for example: keepsake search harbour');
    const cats = ((ctx.values.category as string[] | undefined) ?? []).map((c) => {
      const parsed = Category.safeParse(c);
      if (!parsed.success) throw new KeepsakeError('BAD_INPUT', `Unknown category "${c}". Use one of: ${Category.options.join(', ')}.`);
      return parsed.data;
    });
    const vault = await openVaultFor(ctx);
    const result = new Library(vault).search({
      q,
      ...(cats.length ? { categories: cats } : {}),
      from: date(ctx.values.from, '--from'),
      to: date(ctx.values.to, '--to'),
      deviceId: typeof ctx.values.device === 'string' ? ctx.values.device : undefined,
    });
    const plain = (s: string) => s.replaceAll('\u0002', '').replaceAll('\u0003', '').replace(/\s+/g, ' ');
    const lines = result.groups.length
      ? result.groups.flatMap((g) => [`${g.category} (${g.hits.length}${g.more ? '+' : ''})`, ...g.hits.map((h) => `  ${h.occurredAt ? new Date(h.occurredAt).toISOString().slice(0, 10) : '          '}  ${h.title}  — ${plain(h.snippet).slice(0, 100)}  [${h.id}]`)])
      : ['No matches.'];
    if (result.windowed) lines.push('(A very common word: only the newest matches were ranked. Add a category or dates to narrow it.)');
    print(ctx, result, lines.join('\n'));
    return 0;
  },
};
