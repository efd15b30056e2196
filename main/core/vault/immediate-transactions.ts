// Makes db.transaction(fn)() on an index connection BEGIN IMMEDIATE instead of BEGIN
// (deferred). Since the storage worker (storage-worker.ts) writes the index through its
// own connection, a deferred transaction on the host's connection that reads before it
// writes holds a read snapshot; if the worker holds the write lock or commits meanwhile,
// the first write cannot upgrade and SQLite answers SQLITE_BUSY at once — its busy
// handler is not used for that upgrade (it could deadlock). IMMEDIATE takes the write
// lock at BEGIN, where the busy handler waits (at most one worker batch), so no such
// transaction fails. With one connection the two behave the same. `.deferred`,
// `.immediate` and `.exclusive` stay available on every transaction function.
import type { Db } from './sql';

export function immediateByDefault(db: Db): void {
  const make = (Object.getPrototypeOf(db) as { transaction: Db['transaction'] }).transaction;
  db.transaction = ((fn: Parameters<Db['transaction']>[0]) => {
    const t = make.call(db, fn);
    const tx = ((...args: unknown[]) => t.immediate(...args)) as typeof t;
    tx.default = t.immediate;
    tx.deferred = t.deferred;
    tx.immediate = t.immediate;
    tx.exclusive = t.exclusive;
    return tx;
  }) as Db['transaction'];
}
