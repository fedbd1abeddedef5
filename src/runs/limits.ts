/**
 * Limits a deployment can raise in configuration. A matrix's positions bound everything a run
 * holds (one grid byte per position, shards of 100,000), so they are refused before anything is
 * planned or stored; a run holds at most 2^31 - 1 of them, whatever the limit. A request's time
 * budget bounds the reads it may ask for (./time-budget).
 */
import { wholeNumberSetting } from '../settings';
import { DEFAULT_REQUEST_TIME_BUDGET_MS } from './time-budget';

export interface Limits {
  /** Positions a matrix may have, valid or not (MAX_MATRIX_POSITIONS). */
  maxMatrixPositions: number;
  /** Milliseconds a GraphQL request's reads may take, 0 for no budget (REQUEST_TIME_BUDGET_MS). */
  requestTimeBudgetMs: number;
}

/** About eight times be-config-2021 (6,085,800 positions). */
export const DEFAULT_MAX_MATRIX_POSITIONS = 50_000_000;
/** Matrices are stored and listed up to here (a BIGINT column, counts exact in JSON numbers). */
export const MAX_STORABLE_POSITIONS = Number.MAX_SAFE_INTEGER;
/** Runs hold a grid byte per position and store positions as 32-bit integers (ResultBlob.from and .to). */
export const MAX_RUN_POSITIONS = 2 ** 31 - 1;
/** An hour: past that a budget is no limit. */
const MAX_REQUEST_TIME_BUDGET_MS = 3_600_000;

export const DEFAULT_LIMITS: Limits = { maxMatrixPositions: DEFAULT_MAX_MATRIX_POSITIONS, requestTimeBudgetMs: DEFAULT_REQUEST_TIME_BUDGET_MS };
/** What the store can hold at all: seeds and callers without a configured limit. */
export const STORABLE: Limits = { ...DEFAULT_LIMITS, maxMatrixPositions: MAX_STORABLE_POSITIONS };

/** Limits from the environment (MAX_MATRIX_POSITIONS, REQUEST_TIME_BUDGET_MS); a bad value is a BadInputError naming it. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  return {
    maxMatrixPositions: wholeNumberSetting(env, 'MAX_MATRIX_POSITIONS', {
      fallback: DEFAULT_LIMITS.maxMatrixPositions, min: 1, max: MAX_STORABLE_POSITIONS,
      range: `a whole number from 1 to 2^53 - 1 (matrices above ${MAX_RUN_POSITIONS.toLocaleString('en-US')} positions are stored and listed, not run)`,
    }),
    requestTimeBudgetMs: wholeNumberSetting(env, 'REQUEST_TIME_BUDGET_MS', {
      fallback: DEFAULT_LIMITS.requestTimeBudgetMs, min: 0, max: MAX_REQUEST_TIME_BUDGET_MS,
      range: `a whole number of milliseconds from 0 (no budget) to ${MAX_REQUEST_TIME_BUDGET_MS}`,
    }),
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** Why `positions` are too many for these limits, or null. */
export function positionsProblem(positions: number, limits: Limits): string | null {
  if (positions <= limits.maxMatrixPositions) return null;
  return `${count(positions)} positions, above the limit of ${count(limits.maxMatrixPositions)} (the server's MAX_MATRIX_POSITIONS)`;
}

/** Why a matrix of `positions` cannot be run under these limits, or null. */
export function runPositionsProblem(positions: number, limits: Limits): string | null {
  if (positions > MAX_RUN_POSITIONS) return `${count(positions)} positions, above the ${count(MAX_RUN_POSITIONS)} a run can hold (one grid byte and a 32-bit position per cell)`;
  return positionsProblem(positions, limits);
}
