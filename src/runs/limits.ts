/**
 * Limits a deployment can raise in configuration. A matrix's positions bound everything a run
 * holds (one grid byte per position, shards of 50,000), so they are refused before anything is
 * planned or stored.
 */
import { z } from 'zod';
import { BadInputError } from './errors';

export interface Limits {
  /** Positions a matrix may have, valid or not (MAX_MATRIX_POSITIONS). */
  maxMatrixPositions: number;
}

/** About eight times be-config-2021 (6,085,800 positions). */
export const DEFAULT_MAX_MATRIX_POSITIONS = 50_000_000;
/** Positions are 32-bit integers in the store (ResultBlob.from and .to, PostgreSQL `integer`). */
export const MAX_STORABLE_POSITIONS = 2 ** 31 - 1;

export const DEFAULT_LIMITS: Limits = { maxMatrixPositions: DEFAULT_MAX_MATRIX_POSITIONS };
/** What the store can hold at all: seeds and callers without a configured limit. */
export const STORABLE: Limits = { maxMatrixPositions: MAX_STORABLE_POSITIONS };

const positiveCount = z.coerce.number().int().min(1).max(MAX_STORABLE_POSITIONS);

/** Limits from the environment; a bad value is refused naming the variable. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const raw = env.MAX_MATRIX_POSITIONS;
  if (raw === undefined || raw === '') return DEFAULT_LIMITS;
  const parsed = positiveCount.safeParse(raw);
  if (!parsed.success) {
    throw new BadInputError('MAX_MATRIX_POSITIONS', `must be a whole number from 1 to ${MAX_STORABLE_POSITIONS} (positions are stored as 32-bit integers), got ${JSON.stringify(raw)}`);
  }
  return { maxMatrixPositions: parsed.data };
}

const count = (n: number) => n.toLocaleString('en-US');

/** Why `positions` are too many for these limits, or null. */
export function positionsProblem(positions: number, limits: Limits): string | null {
  if (positions <= limits.maxMatrixPositions) return null;
  return `${count(positions)} positions, above the limit of ${count(limits.maxMatrixPositions)} (the server's MAX_MATRIX_POSITIONS)`;
}
