/**
 * A transaction on the driver adapter's raw path. The adapter's `commit()`/`rollback()` only
 * release its lock (Prisma's engine normally sends the SQL), so COMMIT and ROLLBACK are sent here.
 */
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';

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

/**
 * SQLite's adapter holds one connection and locks only transactions against each other: a plain
 * statement sent while a transaction is open runs inside it, and a rollback would undo it (a
 * cancel landing inside a shard commit that fails, a second request's run inside another's
 * createRun). Here every statement waits for the open transaction to end. The check and the
 * statement happen in one synchronous step (the adapter runs SQL as it is called), and a
 * transaction is marked open before its BEGIN is sent, so nothing slips in between. PostgreSQL
 * needs none of this: its adapter gives each transaction a connection of its own.
 */
export class OneConnection implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;
  /** Settles when the open transaction commits or rolls back; null when none is open. */
  private open: Promise<void> | null = null;

  constructor(private readonly connection: SqlDriverAdapter) {
    this.provider = connection.provider;
    this.adapterName = connection.adapterName;
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    while (this.open) await this.open;
    return this.connection.queryRaw(query);
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    while (this.open) await this.open;
    return this.connection.executeRaw(query);
  }

  async executeScript(script: string): Promise<void> {
    while (this.open) await this.open;
    return this.connection.executeScript(script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    while (this.open) await this.open;
    let ended!: () => void;
    const open = new Promise<void>((resolve) => (ended = resolve));
    this.open = open;
    const close = () => {
      this.open = null;
      ended();
    };
    let tx: Transaction;
    try {
      tx = await this.connection.startTransaction(isolationLevel);
    } catch (err) {
      close();
      throw err;
    }
    const thenClose = (finish: () => Promise<void>) => async () => {
      try {
        await finish();
      } finally {
        close();
      }
    };
    tx.commit = thenClose(tx.commit.bind(tx));
    tx.rollback = thenClose(tx.rollback.bind(tx));
    return tx;
  }

  dispose(): Promise<void> {
    return this.connection.dispose();
  }
}
