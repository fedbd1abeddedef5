/**
 * The matrix store: MatrixStore (matrices/types.ts) in plain SQL on the store's raw connection, so
 * that a CLI run, which looks its matrix up (and stores the seed on a new store), never loads
 * Prisma's client.
 */
import { matrixSpecSchema } from '../engine';
import { MatrixExistsError, type MatrixPage, type MatrixRecord, type MatrixStore } from '../matrices/types';
import type { Database } from './database';
import { DATETIME, INT, TEXT, argTypesOf, dateOf, forBackend } from './sql-values';
import { isUniqueViolation } from './unique-violation';

const COLUMNS = '"id", "name", "description", "spec", "positions", "createdAt"';

/** Positions are a BIGINT column (past 2^31, a decimal string from PostgreSQL); every count fits a safe integer (MAX_MATRIX_POSITIONS). */
function toRecord([id, name, description, spec, positions, createdAt]: unknown[]): MatrixRecord {
  return {
    id: Number(id), name: name as string, description: description as string | null, positions: Number(positions),
    spec: matrixSpecSchema.parse(JSON.parse(spec as string)), createdAt: dateOf(createdAt),
  };
}

export class SqlMatrixStore implements MatrixStore {
  constructor(private readonly db: Database) {}

  private async select(where: string, args: (number | string)[]): Promise<MatrixRecord[]> {
    const { rows } = await this.db.raw.queryRaw({ sql: forBackend(this.db.dialect, `SELECT ${COLUMNS} FROM "Matrix" ${where}`), args, argTypes: argTypesOf(args) });
    return rows.map(toRecord);
  }

  async byName(name: string): Promise<MatrixRecord | null> {
    return (await this.select('WHERE "name" = ?', [name]))[0] ?? null;
  }

  async byIds(ids: readonly number[]): Promise<Map<number, MatrixRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.select(`WHERE "id" IN (${ids.map(() => '?').join(', ')})`, [...ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async list(first: number, afterId: number | null): Promise<MatrixPage> {
    const [rows, count] = await Promise.all([
      this.select('WHERE "id" > ? ORDER BY "id" LIMIT ?', [afterId ?? 0, first + 1]),
      this.db.raw.queryRaw({ sql: 'SELECT COUNT(*) FROM "Matrix"', args: [], argTypes: [] }),
    ]);
    return { items: rows.slice(0, first), hasNext: rows.length > first, total: Number(count.rows[0][0]) };
  }

  async insert(matrix: Omit<MatrixRecord, 'id' | 'createdAt'>): Promise<MatrixRecord> {
    const now = new Date();
    try {
      const { rows } = await this.db.raw.queryRaw({
        sql: forBackend(this.db.dialect, `INSERT INTO "Matrix" ("name", "description", "spec", "positions", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`),
        args: [matrix.name, matrix.description, JSON.stringify(matrix.spec), matrix.positions, now, now],
        argTypes: [TEXT, TEXT, TEXT, INT, DATETIME, DATETIME],
      });
      return toRecord(rows[0]);
    } catch (err) {
      // Created by someone else since the use case looked.
      if (isUniqueViolation(err)) throw new MatrixExistsError(matrix.name);
      throw err;
    }
  }
}
