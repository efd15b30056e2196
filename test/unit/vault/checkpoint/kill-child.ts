// Child for background-checkpoint.test.ts: opens the vault at argv[2], then commits rounds
// of rows (meta keys r<round>-<i>, ~1 KiB each), printing each round once its commit has
// returned and asking the background checkpointer to copy it into the index file, until
// the parent kills it with SIGKILL.
import { checkpointInBackground } from '../../../../main/core/vault/index-db';
import type { VaultContext } from '../../../../main/core/vault/context';
import { openVault } from '../helpers';

const vault = await openVault(process.argv[2]!);
const db = (vault as unknown as { ctx: VaultContext }).ctx.db;
const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
const value = 'x'.repeat(1000);
for (let round = 0; ; round++) {
  db.transaction(() => {
    for (let i = 0; i < 300; i++) insert.run(`r${round}-${i}`, value);
  })();
  process.stdout.write(`${round}\n`);
  checkpointInBackground(db);
  await new Promise((r) => setImmediate(r));
}
