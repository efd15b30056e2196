// Identity re-verification: a passphrase check within the window satisfies
// requireFreshIdentity; failures back off 1 s, 2 s, 4 s … (capped) with RATE_LIMITED in
// plain words, are logged without the secret, and parallel guesses cannot skip the wait.
// The clock is injected; nothing here sleeps.
import { describe, expect, it } from 'vitest';
import { configureReverify, identityFreshUntil, requireFreshIdentity, verifyIdentity, waitInWords } from '../../../main/core/security/reverify';
import { Vault } from '../../../main/core/vault/vault';
import { coreWithOpenVault } from './core-helpers';

const code = (c: string, extra: object = {}) => expect.objectContaining({ code: c, ...extra });
describe('requireFreshIdentity', () => {
  it('asks for the passphrase until it is confirmed, then allows for 5 minutes', async () => {
    const { core, clock } = await coreWithOpenVault();
    expect(() => requireFreshIdentity(core)).toThrowError(code('REVERIFY'));
    const { freshUntil } = await verifyIdentity(core, 'the right one');
    expect(freshUntil).toBe(clock.now() + 5 * 60_000);
    expect(() => requireFreshIdentity(core)).not.toThrow();
    clock.advance(5 * 60_000 - 1);
    expect(() => requireFreshIdentity(core)).not.toThrow();
    clock.advance(1);
    expect(() => requireFreshIdentity(core)).toThrowError(code('REVERIFY'));
    expect(identityFreshUntil(core)).toBeNull();
  });

  it('honours a configured window', async () => {
    const { core, clock } = await coreWithOpenVault();
    configureReverify(core, { freshForMs: 30_000 });
    await verifyIdentity(core, 'the right one');
    clock.advance(30_000);
    expect(() => requireFreshIdentity(core)).toThrowError(code('REVERIFY'));
  });

  it('does not carry a confirmation over to a vault that was locked and opened again', async () => {
    const { core } = await coreWithOpenVault();
    await verifyIdentity(core, 'the right one');
    core.vault?.close();
    core.vault = null;
    expect(() => requireFreshIdentity(core)).toThrowError(code('REVERIFY'));
    core.vault = await Vault.open(core.dataFolder, { passphrase: 'the right one' }, { fastKdfForTests: true });
    expect(() => requireFreshIdentity(core)).toThrowError(code('REVERIFY'));
  });

  it('needs an open vault', async () => {
    const { core } = await coreWithOpenVault();
    core.vault?.close();
    core.vault = null;
    await expect(verifyIdentity(core, 'the right one')).rejects.toThrowError(code('VAULT_LOCKED'));
  });
});

describe('backoff after wrong passphrases', () => {
  it('waits 1 s, 2 s, 4 s … capped, says so in words, and resets after a success', async () => {
    const { core, clock } = await coreWithOpenVault();
    configureReverify(core, { maxDelayMs: 8_000 });
    const expected = [1_000, 2_000, 4_000, 8_000, 8_000];
    for (const wait of expected) {
      await expect(verifyIdentity(core, 'wrong')).rejects.toThrowError(code('WRONG_PASSPHRASE', { details: { retryAfterMs: wait } }));
      await expect(verifyIdentity(core, 'the right one')).rejects.toThrowError(code('RATE_LIMITED', { details: { retryAfterMs: wait }, message: expect.stringContaining(`Wait ${waitInWords(wait)}`) }));
      clock.advance(wait);
    }
    await verifyIdentity(core, 'the right one');
    await expect(verifyIdentity(core, 'wrong')).rejects.toThrowError(code('WRONG_PASSPHRASE', { details: { retryAfterMs: 1_000 } }));
  });

  it('makes parallel guesses wait their turn: only the first is checked', async () => {
    const { core } = await coreWithOpenVault();
    const results = await Promise.allSettled([verifyIdentity(core, 'guess1'), verifyIdentity(core, 'guess2'), verifyIdentity(core, 'the right one')]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'))).toEqual(['WRONG_PASSPHRASE', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(() => requireFreshIdentity(core)).toThrowError(code('REVERIFY'));
  });

  it('logs each failure with counts only, never the passphrase', async () => {
    const { core, clock, log } = await coreWithOpenVault();
    await expect(verifyIdentity(core, 'my secret guess')).rejects.toThrow();
    clock.advance(1_000);
    await expect(verifyIdentity(core, 'my secret guess')).rejects.toThrow();
    const failures = log.lines.filter((l) => l.event === 'security.reverify.failed');
    expect(failures.map((l) => l.fields)).toEqual([{ failures: 1, waitMs: 1_000 }, { failures: 2, waitMs: 2_000 }]);
    expect(JSON.stringify(log.lines)).not.toContain('my secret guess');
  });

  it('puts waits in plain words', () => {
    expect(waitInWords(1_000)).toBe('1 second');
    expect(waitInWords(1_500)).toBe('2 seconds');
    expect(waitInWords(60_000)).toBe('1 minute');
    expect(waitInWords(5 * 60_000)).toBe('5 minutes');
  });
});
