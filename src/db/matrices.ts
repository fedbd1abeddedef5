/** Matrices: a name, a description and a value set per axis (validated by the engine's MatrixPlan). */
import { z } from 'zod';
import { EMPTY_REGISTRY, MatrixPlan, matrixPositions, matrixSpecSchema, type PatchRegistry } from '../engine';
import { BadInputError } from '../runs/errors';
import { STORABLE, positionsProblem, type Limits } from '../runs/limits';
import type { MatrixRecord } from '../runs/types';
import type { Database } from './database';

export type { MatrixRecord };

export class MatrixExistsError extends Error {
  readonly code = 'MATRIX_EXISTS';
  constructor(readonly matrixName: string) {
    super(`a matrix named "${matrixName}" already exists`);
  }
}

/** Positions are a BIGINT column (past 2^31); every count fits a safe integer (MAX_MATRIX_POSITIONS). */
function toRecord(row: { id: number; name: string; description: string | null; spec: string; positions: bigint; createdAt: Date }): MatrixRecord {
  return { ...row, positions: Number(row.positions), spec: matrixSpecSchema.parse(JSON.parse(row.spec)) };
}

/** A name is what runs, CLI flags and webhooks refer to a matrix by. */
const matrixLabels = z.object({
  name: z.string().min(1, 'must not be empty').max(100, 'at most 100 characters').refine((n) => n.trim() === n, 'no leading or trailing blanks'),
  description: z.string().max(1000, 'at most 1000 characters').nullish(),
});

/** A unique-constraint violation, as Prisma reports it. */
function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

/**
 * Checks the name, counts the positions (refused above the limit before anything is planned), then validates
 * the value sets (unknown values throw InvalidCombinationError naming the axis). One insert: a
 * refused matrix stores nothing.
 */
/** `patches`: the user patches values may apply (`5.13+ID`, `qemu-6.1+ID`); runs snapshot the ones used. */
export async function createMatrix(
  db: Database, input: { name: string; description?: string | null; spec: unknown }, limits: Limits = STORABLE, patches: PatchRegistry = EMPTY_REGISTRY,
): Promise<MatrixRecord> {
  const named = matrixLabels.safeParse(input);
  if (!named.success) throw new BadInputError(String(named.error.issues[0].path[0]), named.error.issues[0].message);
  const tooMany = positionsProblem(matrixPositions(input.spec), limits);
  if (tooMany) throw new BadInputError('positions', `the matrix would have ${tooMany}: take fewer values on some axis`);
  const plan = new MatrixPlan(input.spec, { patches });
  const spec = matrixSpecSchema.parse(input.spec);
  const existing = await db.prisma.matrix.findUnique({ where: { name: input.name } });
  if (existing) throw new MatrixExistsError(input.name);
  try {
    const row = await db.prisma.matrix.create({
      data: { name: input.name, description: input.description ?? null, spec: JSON.stringify(spec), positions: plan.size },
    });
    return toRecord(row);
  } catch (err) {
    // Created by someone else since the lookup.
    if (isUniqueViolation(err)) throw new MatrixExistsError(input.name);
    throw err;
  }
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
