/** The createMatrix use case: what a matrix must be before it is stored. */
import { z } from 'zod';
import { EMPTY_REGISTRY, MatrixPlan, matrixPositions, matrixSpecSchema, type PatchRegistry } from '../engine';
import { BadInputError } from '../runs/errors';
import { STORABLE, positionsProblem, type Limits } from '../runs/limits';
import { MatrixExistsError, type MatrixRecord, type MatrixStore } from './types';

/** A name is what runs, CLI flags and webhooks refer to a matrix by. */
const matrixLabels = z.object({
  name: z.string().min(1, 'must not be empty').max(100, 'at most 100 characters').refine((n) => n.trim() === n, 'no leading or trailing blanks'),
  description: z.string().max(1000, 'at most 1000 characters').nullish(),
});

export interface MatrixInput {
  name: string;
  description?: string | null;
  spec: unknown;
}

/**
 * Checks the name, counts the positions (refused above the limit before anything is planned), then validates
 * the value sets (unknown values throw InvalidCombinationError naming the axis). One insert: a
 * refused matrix stores nothing. `patches`: the user patches values may apply (`5.13+ID`,
 * `qemu-6.1+ID`); runs snapshot the ones used.
 */
export async function createMatrix(store: MatrixStore, input: MatrixInput, limits: Limits = STORABLE, patches: PatchRegistry = EMPTY_REGISTRY): Promise<MatrixRecord> {
  const named = matrixLabels.safeParse(input);
  if (!named.success) throw new BadInputError(String(named.error.issues[0].path[0]), named.error.issues[0].message);
  const tooMany = positionsProblem(matrixPositions(input.spec), limits);
  if (tooMany) throw new BadInputError('positions', `the matrix would have ${tooMany}: take fewer values on some axis`);
  const plan = new MatrixPlan(input.spec, { patches });
  const spec = matrixSpecSchema.parse(input.spec);
  if (await store.byName(input.name)) throw new MatrixExistsError(input.name);
  return store.insert({ name: input.name, description: input.description ?? null, spec, positions: plan.size });
}
