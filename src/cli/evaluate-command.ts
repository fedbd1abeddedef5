/**
 * `evaluate` and `explain`: one combination or an array in, outcomes out in the same order.
 * A batch is resolved whole before anything runs, so one bad item rejects it, naming its index.
 */
import {
  createPatchRegistry, evaluateResolved, InvalidCombinationError, PatchDefinitionError, resolveCombination,
  type Outcome, type PatchRegistry, type ResolvedCell,
} from '../engine';
import { CliError, readInput, readJson } from './input';

export interface Evaluated {
  batch: boolean;
  outcomes: Outcome[];
}

/** `patchesPath`: proposed kernel patches (one definition or an array) that kernel values may apply as `BASE+ID`. */
export function evaluateInput(path: string, trace: boolean, patchesPath?: string): Evaluated {
  const patches = patchesPath === undefined ? undefined : readPatches(patchesPath);
  const input = readInput(path);
  const batch = Array.isArray(input);
  const items: unknown[] = batch ? input : [input];
  const cells = items.map((item, index) => resolveOrExplain(item, batch ? index : undefined, patches));
  return { batch, outcomes: cells.map((cell) => evaluateResolved(cell, { trace })) };
}

/** A bad definition names the file, its index when the file holds an array, and the path of the bad part. */
export function readPatches(path: string): PatchRegistry {
  const input = readJson(path, 'a kernel patch definition or an array of them (schemas/kernel-patch.v1.json)');
  const list = Array.isArray(input);
  try {
    return createPatchRegistry(list ? input : [input]);
  } catch (err) {
    if (err instanceof PatchDefinitionError) {
      const where = list ? `patch ${err.index}: ` : '';
      throw new CliError('INVALID_PATCH', `${path}: ${where}${err.path}: ${err.reason}`, {
        file: path,
        ...(list ? { index: err.index } : {}),
        path: err.path,
        reason: err.reason,
      });
    }
    throw err;
  }
}

function resolveOrExplain(item: unknown, index: number | undefined, patches: PatchRegistry | undefined): ResolvedCell {
  try {
    return resolveCombination(item, { patches });
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
