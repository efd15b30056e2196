// The one reading of what a person types into a search box, used by every FTS5 query in
// Keepsake (library search and the vault's own search): the words as FTS5 string
// literals, so nothing typed is ever query syntax; "quoted words" stay a phrase; a
// trailing * is a prefix when the word has two characters at least (the index keeps 2-
// and 3-character prefixes, so "ph*" is one doclist, while "p*" would scan the vocabulary).
// Pure functions, no imports: the vault may use them without depending on the library.

export interface Term {
  words: string[];
  prefix: boolean;
}

const MAX_TERMS = 32;
const PART = /"([^"]*)"|(\S+)/g;

/** unicode61 with remove_diacritics, near enough: lower case, marks dropped, split on non-word. */
export function tokens(s: string): string[] {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function rawWords(s: string): string[] {
  return s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The person's words as an FTS5 MATCH expression ('' when there is nothing to look for). */
export function toFtsQuery(text: string): string {
  const parts: string[] = [];
  for (const m of text.matchAll(PART)) {
    if (m[1] !== undefined) {
      const words = rawWords(m[1]);
      if (words.length) parts.push(`"${words.join(' ')}"`);
      continue;
    }
    const raw = m[2]!;
    const words = rawWords(raw);
    words.forEach((w, i) => {
      const prefix = i === words.length - 1 && raw.endsWith('*') && w.length >= 2;
      parts.push(`"${w}"${prefix ? '*' : ''}`);
    });
  }
  return parts.slice(0, MAX_TERMS).join(' ');
}

/** The same reading as terms, normalised as the index normalises (for scoring in JS). */
export function toTerms(text: string): Term[] {
  const terms: Term[] = [];
  for (const m of text.matchAll(PART)) {
    const raw = m[1] ?? m[2]!;
    const words = tokens(raw);
    if (!words.length) continue;
    if (m[1] !== undefined) terms.push({ words, prefix: false });
    else words.forEach((w, i) => terms.push({ words: [w], prefix: i === words.length - 1 && raw.endsWith('*') && w.length >= 2 }));
  }
  return terms.slice(0, MAX_TERMS);
}
