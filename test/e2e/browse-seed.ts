// Seeds the browse e2e vault: opens the vault in KEEPSAKE_HOME (argv[2]) with
// KEEPSAKE_PASSPHRASE and adds the deterministic library of test/unit/library/seed.ts
// (known contact, thread, placed photos, recurring event, HTML email) next to what the
// CLI imported from the real fixtures.
import { Vault } from '../../main/core/vault/vault';
import { seedLibrary } from '../unit/library/seed';

const home = process.argv[2];
const passphrase = process.env.KEEPSAKE_PASSPHRASE;
if (!home || !passphrase) throw new Error('usage: browse-seed.ts <home> (KEEPSAKE_PASSPHRASE set)');
const vault = await Vault.open(home, { passphrase });
try {
  await seedLibrary(vault);
} finally {
  vault.close();
}
