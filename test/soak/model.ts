// The soak's model of what the vault must hold: item id → the digest of what it must read
// back as (title, text, fields and the original file's SHA-256). Items enter the model from
// inputs the soak generated itself (their content is known) or, for real fixtures, from the
// first listing after their import; after that every change to the model is made by the
// soak's own action (an edit sets the new title/text here, an erase removes the id), so a
// vault that loses, resurrects, tears or mis-edits an item shows up as a mismatch.
import { createHash } from 'node:crypto';
import type { Vault } from '../../main/core/vault/vault';

export interface Expected {
  title: string;
  text: string;
  fields: string;
  /** SHA-256 of the original file, or null when the item has none. */
  file: string | null;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export async function actual(vault: Vault, id: string): Promise<Expected | null> {
  const rec = vault.getItem(id);
  if (!rec) return null;
  let file: string | null = null;
  if (rec.files.some((f) => f.role === 'original')) {
    const h = createHash('sha256');
    for await (const c of vault.readFile(id)) h.update(c as Buffer);
    file = h.digest('hex');
  }
  return { title: rec.title, text: rec.text, fields: JSON.stringify(rec.fields), file };
}

export function listIds(vault: Vault): string[] {
  const ids: string[] = [];
  for (let page = vault.listItems({ limit: 1000 }); page.length; page = vault.listItems({ limit: 1000, after: page.at(-1)!.cursor })) ids.push(...page.map((s) => s.id));
  return ids;
}

export class Model {
  readonly items = new Map<string, Expected>();
  readonly erased = new Set<string>();

  /** Compares the vault with the model; returns the mismatches (empty = equal). */
  async compare(vault: Vault, opts: { sample?: number; random?: () => number } = {}): Promise<string[]> {
    const out: string[] = [];
    const ids = new Set(listIds(vault));
    for (const id of ids) if (!this.items.has(id)) out.push(`${this.erased.has(id) ? 'erased item came back' : 'unexpected item'}: ${id}`);
    for (const id of this.items.keys()) if (!ids.has(id)) out.push(`item missing: ${id}`);
    let check = [...this.items.keys()].filter((id) => ids.has(id));
    if (opts.sample !== undefined && opts.random) check = check.filter(() => opts.random!() < opts.sample!);
    for (const id of check) {
      const got = await actual(vault, id);
      const want = this.items.get(id)!;
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        const which = got ? (Object.keys(want) as Array<keyof Expected>).filter((k) => got[k] !== want[k]) : ['gone'];
        out.push(`item differs: ${id} (${want.title}): ${which.map((k) => (got && k !== 'gone' ? `${k} ${String(want[k as keyof Expected]).slice(0, 60)} → ${String(got[k as keyof Expected]).slice(0, 60)}` : k)).join('; ')}`);
      }
    }
    return out;
  }

  clone(): Model {
    const m = new Model();
    for (const [k, v] of this.items) m.items.set(k, { ...v });
    for (const e of this.erased) m.erased.add(e);
    return m;
  }
}
