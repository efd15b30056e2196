// Re-importing an unchanged source file must not overwrite what the person edited since:
// the source still says what an earlier version said, so it is a duplicate. A source that
// really changed still becomes a new version.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewItem } from '../../../main/core/vault/types';
import type { Vault } from '../../../main/core/vault/vault';
import { newVault, tempDir } from './helpers';

const contact = (name: string): NewItem => ({ category: 'contact', sourceKey: 'vcard:uid-1', title: name, text: name, fields: { fn: name }, personal: true });

describe('re-import after an edit', () => {
  let t: ReturnType<typeof tempDir>;
  let vault: Vault;
  beforeEach(async () => {
    t = tempDir();
    vault = (await newVault(t.dir, { workers: false })).vault;
  });
  afterEach(() => {
    vault.close();
    t.cleanup();
  });

  it('keeps the edit when the unchanged source comes again, and takes a real change', async () => {
    const [first] = await vault.putItems([contact('Ada Lovelace')]);
    await vault.updateItem(first!.id, { title: 'Ada King, Countess of Lovelace' });
    const [again] = await vault.putItems([contact('Ada Lovelace')]);
    expect(again).toMatchObject({ id: first!.id, status: 'duplicate' });
    expect(vault.getItem(first!.id)?.title).toBe('Ada King, Countess of Lovelace');
    const [changed] = await vault.putItems([contact('Ada Byron')]);
    expect(changed).toMatchObject({ id: first!.id, status: 'updated' });
    expect(vault.getItem(first!.id)?.title).toBe('Ada Byron');
  });
});
