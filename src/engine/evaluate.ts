/** The engine's front door: one combination in, one outcome out. */
import { resolveCombination } from './resolve';
import { buildOutcome, OutcomeRecorder, type Outcome } from './outcome';
import { Simulator } from './sim/simulator';

const shared = new Simulator();

export interface EvaluateOptions {
  /** Include every step that crossed the transport (default true). */
  trace?: boolean;
}

/** Evaluate one combination; throws InvalidCombinationError for bad input. */
export function evaluate(input: unknown, options: EvaluateOptions = {}): Outcome {
  const cell = resolveCombination(input);
  const rec = new OutcomeRecorder(options.trace ?? true);
  shared.run(cell, rec);
  return buildOutcome(cell, shared, rec);
}
