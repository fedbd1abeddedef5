/**
 * `evaluate` and `explain`: one combination or an array in, outcomes out in the same order.
 * A batch is resolved whole before anything runs, so one bad item rejects it, naming its index.
 */
import { InvalidCombinationError, resolveCombination, Simulator, type Cell, type Outcome } from '../engine';
import { buildOutcome, OutcomeRecorder } from '../engine/outcome';
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
  const sim = new Simulator();
  const outcomes = cells.map((cell) => {
    const rec = new OutcomeRecorder(trace);
    sim.run(cell, rec);
    return buildOutcome(cell, sim, rec);
  });
  return { batch, outcomes };
}

function resolveOrExplain(item: unknown, index: number | undefined): Cell {
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
