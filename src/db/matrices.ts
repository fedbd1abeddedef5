/** Matrices: a name, a description and a value set per axis (validated by the engine's MatrixPlan). */
import { MatrixPlan, matrixSpecSchema } from '../engine';
import type { MatrixRecord } from '../runs/types';
import type { Database } from './database';

export type { MatrixRecord };

export class MatrixExistsError extends Error {
  readonly code = 'MATRIX_EXISTS';
  constructor(readonly matrixName: string) {
    super(`a matrix named "${matrixName}" already exists`);
  }
}

function toRecord(row: { id: number; name: string; description: string | null; spec: string; positions: number; createdAt: Date }): MatrixRecord {
  return { ...row, spec: matrixSpecSchema.parse(JSON.parse(row.spec)) };
}

/** Validates the value sets (unknown values throw InvalidCombinationError naming the axis). */
export async function createMatrix(db: Database, input: { name: string; description?: string | null; spec: unknown }): Promise<MatrixRecord> {
  const plan = new MatrixPlan(input.spec);
  const spec = matrixSpecSchema.parse(input.spec);
  const existing = await db.prisma.matrix.findUnique({ where: { name: input.name } });
  if (existing) throw new MatrixExistsError(input.name);
  const row = await db.prisma.matrix.create({
    data: { name: input.name, description: input.description ?? null, spec: JSON.stringify(spec), positions: plan.size },
  });
  return toRecord(row);
}

export async function matrixByName(db: Database, name: string): Promise<MatrixRecord | null> {
  const row = await db.prisma.matrix.findUnique({ where: { name } });
  return row ? toRecord(row) : null;
}

export async function matricesByIds(db: Database, ids: readonly number[]): Promise<Map<number, MatrixRecord>> {
  const rows = await db.prisma.matrix.findMany({ where: { id: { in: [...ids] } } });
  return new Map(rows.map((r) => [r.id, toRecord(r)]));
}

/** A page ordered by id, after the given id. */
export async function listMatrices(db: Database, first: number, afterId: number | null): Promise<{ items: MatrixRecord[]; hasNext: boolean; total: number }> {
  const [rows, total] = await Promise.all([
    db.prisma.matrix.findMany({ where: afterId === null ? {} : { id: { gt: afterId } }, orderBy: { id: 'asc' }, take: first + 1 }),
    db.prisma.matrix.count(),
  ]);
  return { items: rows.slice(0, first).map(toRecord), hasNext: rows.length > first, total };
}
