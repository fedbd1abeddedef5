/** The matrix store: MatrixStore (matrices/types.ts) on Prisma. */
import { matrixSpecSchema } from '../engine';
import { MatrixExistsError, type MatrixPage, type MatrixRecord, type MatrixStore } from '../matrices/types';
import type { Database } from './database';
import { isUniqueViolation } from './unique-violation';

/** Positions are a BIGINT column (past 2^31); every count fits a safe integer (MAX_MATRIX_POSITIONS). */
function toRecord(row: { id: number; name: string; description: string | null; spec: string; positions: bigint; createdAt: Date }): MatrixRecord {
  return { ...row, positions: Number(row.positions), spec: matrixSpecSchema.parse(JSON.parse(row.spec)) };
}

export class SqlMatrixStore implements MatrixStore {
  constructor(private readonly db: Database) {}

  async byName(name: string): Promise<MatrixRecord | null> {
    const row = await this.db.prisma.matrix.findUnique({ where: { name } });
    return row ? toRecord(row) : null;
  }

  async byIds(ids: readonly number[]): Promise<Map<number, MatrixRecord>> {
    const rows = await this.db.prisma.matrix.findMany({ where: { id: { in: [...ids] } } });
    return new Map(rows.map((r) => [r.id, toRecord(r)]));
  }

  async list(first: number, afterId: number | null): Promise<MatrixPage> {
    const [rows, total] = await Promise.all([
      this.db.prisma.matrix.findMany({ where: afterId === null ? {} : { id: { gt: afterId } }, orderBy: { id: 'asc' }, take: first + 1 }),
      this.db.prisma.matrix.count(),
    ]);
    return { items: rows.slice(0, first).map(toRecord), hasNext: rows.length > first, total };
  }

  async insert(matrix: Omit<MatrixRecord, 'id' | 'createdAt'>): Promise<MatrixRecord> {
    try {
      const row = await this.db.prisma.matrix.create({ data: { ...matrix, spec: JSON.stringify(matrix.spec) } });
      return toRecord(row);
    } catch (err) {
      // Created by someone else since the use case looked.
      if (isUniqueViolation(err)) throw new MatrixExistsError(matrix.name);
      throw err;
    }
  }
}
