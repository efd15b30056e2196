// createKeySlots / unlockKeySlots: the master key comes back only with the right secret;
// a wrong secret (WRONG_PASSPHRASE) is told apart from a damaged or edited slot file
// (CORRUPT); the file is owner-only and holds no key in the clear. (RELIABILITY rows 36, 42)
import { readdirSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKeySlots, unlockKeySlots } from '../../../main/core/vault/keys/key-slots';
import { generateRecoveryKey } from '../../../main/core/vault/keys/recovery-key';
import { damage, FAST, flipB64, readDoc, slotOf, tamper, tempLayout } from './helpers';

const code = (c: string, extra: object = {}) => expect.objectContaining({ code: c, ...extra });

describe('createKeySlots', () => {
  it('makes an owner-only slot file with a passphrase and a recovery slot and no plaintext key', async () => {
    const layout = tempLayout();
    const made = await createKeySlots(layout, 'correct horse battery staple', FAST);
    expect(made.masterKey).toHaveLength(32);
    expect(made.vaultId).toMatch(/^[0-9a-f-]{36}$/);
    expect(statSync(layout.keySlots).mode & 0o777).toBe(0o600);
    expect(statSync(layout.root).mode & 0o777).toBe(0o700);
    const text = readFileSync(layout.keySlots, 'utf8');
    for (const enc of ['hex', 'base64', 'base64url'] as const) expect(text).not.toContain(made.masterKey.toString(enc));
    expect(text).not.toContain(made.recoveryKey);
    expect(text).not.toContain('correct horse');
    const doc = readDoc(layout);
    expect(doc.body.slots.map((s: { kind: string }) => s.kind).sort()).toEqual(['passphrase', 'recovery']);
    expect(readdirSync(layout.root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to overwrite an existing vault and refuses an empty passphrase', async () => {
    const layout = tempLayout();
    await createKeySlots(layout, 'one', FAST);
    const before = readFileSync(layout.keySlots);
    await expect(createKeySlots(layout, 'two', FAST)).rejects.toThrowError(code('CONFLICT'));
    expect(readFileSync(layout.keySlots).equals(before)).toBe(true);
    await expect(createKeySlots(tempLayout(), '', FAST)).rejects.toThrowError(code('BAD_INPUT'));
  });
});

describe('unlockKeySlots', () => {
  it('opens with the passphrase and with the recovery key typed sloppily', async () => {
    const layout = tempLayout();
    const made = await createKeySlots(layout, 'pässwörd', FAST);
    const byPass = await unlockKeySlots(layout, { passphrase: 'pässwörd' }, FAST);
    expect(byPass.masterKey.equals(made.masterKey)).toBe(true);
    expect(byPass.vaultId).toBe(made.vaultId);
    const sloppy = made.recoveryKey.toLowerCase().replace(/-/g, ' ');
    const byKey = await unlockKeySlots(layout, { recoveryKey: sloppy }, FAST);
    expect(byKey.masterKey.equals(made.masterKey)).toBe(true);
  });

  it('normalises the passphrase to NFC (composed and decomposed ä are the same passphrase)', async () => {
    const layout = tempLayout();
    const made = await createKeySlots(layout, 'p\u00e4ss', FAST);
    const u = await unlockKeySlots(layout, { passphrase: 'pa\u0308ss' }, FAST);
    expect(u.masterKey.equals(made.masterKey)).toBe(true);
  });

  it('says WRONG_PASSPHRASE for a wrong passphrase or another valid recovery key', async () => {
    const layout = tempLayout();
    await createKeySlots(layout, 'right', FAST);
    await expect(unlockKeySlots(layout, { passphrase: 'wrong' }, FAST)).rejects.toThrowError(code('WRONG_PASSPHRASE'));
    await expect(unlockKeySlots(layout, { recoveryKey: generateRecoveryKey().text }, FAST)).rejects.toThrowError(code('WRONG_PASSPHRASE', { details: { reason: 'recovery-key-wrong' } }));
  });

  it('says VAULT_MISSING when there is no slot file', async () => {
    await expect(unlockKeySlots(tempLayout(), { passphrase: 'x' }, FAST)).rejects.toThrowError(code('VAULT_MISSING'));
  });

  it('says CORRUPT, not wrong passphrase, when a byte of the wrapped master key is flipped (accidental damage)', async () => {
    const layout = tempLayout();
    await createKeySlots(layout, 'right', FAST);
    damage(layout, (b) => (slotOf(b, 'passphrase').wrapped = flipB64(slotOf(b, 'passphrase').wrapped, 5)));
    await expect(unlockKeySlots(layout, { passphrase: 'right' }, FAST)).rejects.toThrowError(code('CORRUPT'));
    // Even a wrong passphrase is told the truth: the file is damaged.
    await expect(unlockKeySlots(layout, { passphrase: 'wrong' }, FAST)).rejects.toThrowError(code('CORRUPT'));
  });

  it('says CORRUPT when the wrapped key, nonce or slot id is edited and the checksum recomputed (deliberate edit)', async () => {
    for (const edit of [
      (s: { wrapped: string }) => (s.wrapped = flipB64(s.wrapped, 40)),
      (s: { nonce: string }) => (s.nonce = flipB64(s.nonce)),
      (s: { id: string }) => (s.id = s.id.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))),
    ]) {
      const layout = tempLayout();
      await createKeySlots(layout, 'right', FAST);
      tamper(layout, (b) => edit(slotOf(b, 'passphrase')));
      await expect(unlockKeySlots(layout, { passphrase: 'right' }, FAST)).rejects.toThrowError(code('CORRUPT'));
    }
  });

  it('says CORRUPT when another part of the file is edited (the file MAC catches it after unlock)', async () => {
    const layout = tempLayout();
    await createKeySlots(layout, 'right', FAST);
    tamper(layout, (b) => {
      slotOf(b, 'recovery').createdAt = '1999-01-01T00:00:00.000Z';
      b.generation = 99;
    });
    await expect(unlockKeySlots(layout, { passphrase: 'right' }, FAST)).rejects.toThrowError(code('CORRUPT', { message: expect.stringMatching(/changed outside Keepsake/) }));
  });

  it('says CORRUPT for broken JSON, a missing field, a wrong length and absurd Argon2 settings', async () => {
    const cases: Array<(l: ReturnType<typeof tempLayout>) => void> = [
      (l) => writeFileSync(l.keySlots, readFileSync(l.keySlots, 'utf8').slice(0, 200)),
      (l) => tamper(l, (b) => delete slotOf(b, 'passphrase').nonce),
      (l) => tamper(l, (b) => (slotOf(b, 'passphrase').wrapped = Buffer.alloc(40).toString('base64'))),
      (l) => tamper(l, (b) => (slotOf(b, 'passphrase').kdf.memoryKiB = 2 ** 40)),
      (l) => tamper(l, (b) => (b.slots = [])),
      (l) => writeFileSync(l.keySlots, '[]'),
    ];
    for (const breakIt of cases) {
      const layout = tempLayout();
      await createKeySlots(layout, 'right', FAST);
      breakIt(layout);
      await expect(unlockKeySlots(layout, { passphrase: 'right' }, FAST)).rejects.toThrowError(code('CORRUPT'));
    }
  });

  it('refuses a slot file from a newer Keepsake as UNSUPPORTED', async () => {
    const layout = tempLayout();
    await createKeySlots(layout, 'right', FAST);
    const doc = readDoc(layout);
    doc.version = 2;
    writeFileSync(layout.keySlots, JSON.stringify(doc));
    await expect(unlockKeySlots(layout, { passphrase: 'right' }, FAST)).rejects.toThrowError(code('UNSUPPORTED'));
  });

  it('will not open one vault with a slot moved in from another vault', async () => {
    const a = tempLayout();
    const b = tempLayout();
    await createKeySlots(a, 'same passphrase', FAST);
    await createKeySlots(b, 'same passphrase', FAST);
    const foreign = slotOf(readDoc(b).body, 'passphrase');
    tamper(a, (body) => (body.slots = body.slots.map((s: { kind: string }) => (s.kind === 'passphrase' ? foreign : s))));
    // The foreign slot's KEK is right for its own vault id; bound into the AAD, the vault id no longer matches.
    await expect(unlockKeySlots(a, { passphrase: 'same passphrase' }, FAST)).rejects.toThrowError(code('CORRUPT'));
  });
});
