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

/**
 * The person's words as an FTS5 MATCH expression ('' when there is nothing to look for).
 * `positions` false: the index has no token positions (detail=column, vault/fts-detail.ts)
 * and FTS5 refuses phrases, so a quoted phrase becomes its words (all required); the
 * caller then keeps only the rows where they stand in order (holdsPhrases).
 */
export function toFtsQuery(text: string, positions = true): string {
  const parts: string[] = [];
  for (const m of text.matchAll(PART)) {
    if (m[1] !== undefined) {
      const words = rawWords(m[1]);
      if (words.length && positions) parts.push(`"${words.join(' ')}"`);
      else for (const w of words) parts.push(`"${w}"`);
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

/** True when the terms include a phrase of two words or more (its order needs checking). */
export function hasPhrase(terms: Term[]): boolean {
  return terms.some((t) => t.words.length > 1);
}

/** Whether `toks` holds the phrase's words one after another. */
export function holdsPhrase(toks: string[], words: string[]): boolean {
  for (let i = 0; i + words.length <= toks.length; i++) {
    if (words.every((w, k) => toks[i + k] === w)) return true;
  }
  return false;
}

/**
 * Every phrase of two words or more stands, in order, in the title or in the text: the
 * check FTS5 makes itself for a phrase when the index keeps positions, made here on the
 * stored text when it does not (single words were matched by the index already).
 */
export function holdsPhrases(terms: Term[], title: string, body: string): boolean {
  const phrases = terms.filter((t) => t.words.length > 1);
  if (!phrases.length) return true;
  const tt = tokens(title);
  const bt = tokens(body);
  return phrases.every((t) => holdsPhrase(tt, t.words) || holdsPhrase(bt, t.words));
}
