/**
 * A transaction on the driver adapter's raw path. The adapter's `commit()`/`rollback()` only
 * release its lock (Prisma's engine normally sends the SQL), so COMMIT and ROLLBACK are sent here.
 */
import type { SqlDriverAdapter, Transaction } from '@prisma/driver-adapter-utils';

const NO_ARGS = { args: [], argTypes: [] };

export async function inTransaction<T>(raw: SqlDriverAdapter, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  const tx = await raw.startTransaction();
  try {
    const result = await fn(tx);
    await tx.executeRaw({ sql: 'COMMIT', ...NO_ARGS });
    await tx.commit();
    return result;
  } catch (err) {
    try {
      await tx.executeRaw({ sql: 'ROLLBACK', ...NO_ARGS });
    } finally {
      await tx.rollback();
    }
    throw err;
  }
}
