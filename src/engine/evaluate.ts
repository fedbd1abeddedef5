/** The engine's front door: one combination in, one outcome out. */
import type { ResolvedCell } from './cell';
import { buildOutcome, OutcomeRecorder, type Outcome } from './outcome';
import type { PatchRegistry } from './patch-registry';
import { resolveCombination } from './resolve';
import { Simulator } from './sim/simulator';

const shared = new Simulator();

export interface EvaluateOptions {
  /** Include every step that crossed the transport (default true). */
  trace?: boolean;
  /** Proposed patches that the kernel value may apply (`5.13+ID`); see createPatchRegistry. */
  patches?: PatchRegistry;
}

/** Evaluate one combination; throws InvalidCombinationError for bad input. */
export function evaluate(input: unknown, options: EvaluateOptions = {}): Outcome {
  return evaluateResolved(resolveCombination(input, { patches: options.patches }), options);
}

/** Evaluate an already resolved combination (batches resolve everything first, then run). */
export function evaluateResolved(resolved: ResolvedCell, options: EvaluateOptions = {}): Outcome {
  const rec = new OutcomeRecorder(options.trace ?? true);
  shared.run(resolved, rec);
  return buildOutcome(resolved.combination, resolved, shared, rec);
}
