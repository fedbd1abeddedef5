/**
 * `evaluate` and `explain`: one combination or an array in, outcomes out in the same order.
 * A batch is resolved whole before anything runs, so one bad item rejects it, naming its index.
 */
import { evaluateResolved, InvalidCombinationError, resolveCombination, type Outcome, type ResolvedCell } from '../engine';
import { CliError, readInput } from './input';

export interface Evaluated {
  batch: boolean;
  outcomes: Outcome[];
}

export function evaluateInput(path: string, trace: boolean): Evaluated {
  const input = readInput(path);
  const batch = Array.isArray(input);
  const items: unknown[] = batch ? input : [input];
  const cells = items.map((item, index) => resolveOrExplain(item, batch ? index : undefined));
  return { batch, outcomes: cells.map((cell) => evaluateResolved(cell, { trace })) };
}

function resolveOrExplain(item: unknown, index: number | undefined): ResolvedCell {
  try {
    return resolveCombination(item);
  } catch (err) {
    if (err instanceof InvalidCombinationError) {
      const where = index === undefined ? '' : `item ${index}: `;
      throw new CliError('INVALID_COMBINATION', `${where}${err.field}: ${err.reason}`, {
        ...(index === undefined ? {} : { index }),
        field: err.field,
        reason: err.reason,
      });
    }
    throw err;
  }
}
