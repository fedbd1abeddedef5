/**
 * A transaction on the raw path and the plain statements sent meanwhile: on SQLite's one
 * connection they wait for it (OneConnection), so a rollback undoes only the transaction's own.
 */
import { INT, TEXT, forBackend } from '../../src/db/sql-values';
import { inTransaction } from '../../src/db/transaction';
import { BACKENDS } from '../support/databases';
import { freshStorePerTest } from '../support/store';

describe.each(BACKENDS)('on %s', (backend) => {
  const fresh = freshStorePerTest(backend, 'raw_transaction');
  const insert = (name: string) => ({
    sql: forBackend(fresh.db.dialect, 'INSERT INTO "Matrix" ("name", "spec", "positions", "createdAt", "updatedAt") VALUES (?, \'{}\', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)'),
    args: [name, 1], argTypes: [TEXT, INT],
  });
  const names = async () => (await fresh.db.raw.queryRaw({ sql: 'SELECT "name" FROM "Matrix" ORDER BY "name"', args: [], argTypes: [] })).rows.map((r) => r[0]);

  test('When a statement is sent while a transaction is open and the transaction rolls back, then the statement\'s write stays and only the transaction\'s is undone', async () => {
    let outside: Promise<number> | undefined;
    await expect(inTransaction(fresh.db.raw, async (tx) => {
      await tx.executeRaw(insert('inside'));
      outside = fresh.db.raw.executeRaw(insert('outside'));
      // Turns of the event loop for the outside statement to go ahead, had it not waited.
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
      throw new Error('the transaction fails');
    })).rejects.toThrow('the transaction fails');
    expect(await outside).toBe(1);
    expect(await names()).toEqual(['outside']);
  });

  test('When transactions and statements interleave, then each committed write is there once', async () => {
    await Promise.all([
      inTransaction(fresh.db.raw, (tx) => tx.executeRaw(insert('t1'))),
      fresh.db.raw.executeRaw(insert('s1')),
      inTransaction(fresh.db.raw, (tx) => tx.executeRaw(insert('t2'))),
      fresh.db.raw.executeRaw(insert('s2')),
    ]);
    expect(await names()).toEqual(['s1', 's2', 't1', 't2']);
  });
});
