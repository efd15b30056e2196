// Markup (HTML, Evernote's ENML) → plain text for search, in one linear pass. Regular
// expressions such as /<[^>]+>/ take quadratic time on hostile input ("<<<<…" or many
// unclosed tags: a 1 MB message would hang the import), so tags are skipped by a scanner
// that looks at each character once. The markup itself is kept as written elsewhere.

const BLOCK_END = /^\/?(br|p|div|li|tr|h[1-6]|blockquote|pre|table|ul|ol)\b/i;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntity(name: string): string | null {
  if (name[0] === '#') {
    const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD';
  }
  return NAMED[name.toLowerCase()] ?? null;
}

export interface MarkupText {
  text: string;
  /** Evernote <en-crypt> sections, kept opaque. */
  encrypted: Array<{ cipher: string; length: string; hint: string; ciphertext: string }>;
}

function attr(tag: string, name: string): string {
  const i = tag.toLowerCase().indexOf(`${name}="`);
  if (i < 0) return '';
  const start = i + name.length + 2;
  const end = tag.indexOf('"', start);
  return end < 0 ? '' : tag.slice(start, end);
}

/** Plain text of HTML/ENML: tags dropped, blocks → newlines, entities decoded, script/style skipped, Evernote to-dos → [ ]/[x]. */
export function markupToText(src: string): MarkupText {
  const out: string[] = [];
  const encrypted: MarkupText['encrypted'] = [];
  let i = 0;
  const n = src.length;
  const lowerSrc = src.toLowerCase(); // once: searching it per tag would be quadratic
  // Next '<' and '&' positions, advanced only when passed, so each search is done once.
  let nextLt = -1;
  let nextAmp = -1;
  const after = (pos: number, ch: '<' | '&'): number => {
    if (ch === '<') {
      if (nextLt < pos) nextLt = src.indexOf('<', pos) < 0 ? n : src.indexOf('<', pos);
      return nextLt;
    }
    if (nextAmp < pos) {
      const f = src.indexOf('&', pos);
      nextAmp = f < 0 ? n : f;
    }
    return nextAmp;
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '<') {
      const close = src.indexOf('>', i + 1);
      if (close < 0) break; // an unclosed tag ends the text
      const tag = src.slice(i + 1, close);
      const lower = tag.slice(0, 12).toLowerCase();
      i = close + 1;
      if (lower.startsWith('script') || lower.startsWith('style')) {
        const name = lower.startsWith('script') ? '</script' : '</style';
        const end = lowerSrc.indexOf(name, i);
        i = end < 0 ? n : src.indexOf('>', end) + 1 || n;
        continue;
      }
      if (lower.startsWith('en-crypt')) {
        const end = src.indexOf('</en-crypt>', i);
        const body = src.slice(i, end < 0 ? n : end);
        encrypted.push({ cipher: attr(tag, 'cipher'), length: attr(tag, 'length'), hint: attr(tag, 'hint'), ciphertext: body.trim() });
        out.push('\n[encrypted section]\n');
        i = end < 0 ? n : end + '</en-crypt>'.length;
        continue;
      }
      if (lower.startsWith('en-todo')) {
        out.push(attr(tag, 'checked') === 'true' ? '[x] ' : '[ ] ');
        continue;
      }
      if (lower.startsWith('li') && tag.includes('--en-checked:')) {
        out.push(/--en-checked:\s*true/.test(tag) ? '[x] ' : '[ ] '); // Evernote 10 task lists
        continue;
      }
      if (BLOCK_END.test(tag)) out.push('\n');
      continue;
    }
    if (c === '&') {
      const semi = src.slice(i + 1, i + 12).indexOf(';') + i + 1; // entities are short: look 11 ahead at most
      if (semi > i) {
        const decoded = decodeEntity(src.slice(i + 1, semi));
        if (decoded !== null) {
          out.push(decoded);
          i = semi + 1;
          continue;
        }
      }
    }
    const next = Math.min(after(i, '<'), after(i + 1, '&'));
    out.push(src.slice(i, next));
    i = next;
  }
  // Trailing blanks per line by trimEnd (a /[ \t]+\n/ regex is quadratic on long runs of spaces).
  const text = out
    .join('')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, encrypted };
}
