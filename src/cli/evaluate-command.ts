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

/** `{ "kernelPatches": [...], "qemuChanges": [...] }`: both kinds in one file. */
function isBundle(input: unknown): input is { kernelPatches?: unknown[]; qemuChanges?: unknown[] } {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && !('id' in input) && ('kernelPatches' in input || 'qemuChanges' in input);
}

/**
 * Kernel patches (one definition or an array), or `{ kernelPatches, qemuChanges }` for QEMU
 * changes too. A bad definition names the file, which list and index, and the path of the bad part.
 */
export function readPatches(path: string): PatchRegistry {
  const input = readJson(path, 'a kernel patch definition, an array of them, or { "kernelPatches": [...], "qemuChanges": [...] } (schemas/*.v1.json)');
  const bundle = isBundle(input);
  const list = bundle || Array.isArray(input);
  try {
    if (bundle) {
      // A misspelt list ("qemuChange") would otherwise be dropped without a word.
      const unknown = Object.keys(input).find((key) => key !== 'kernelPatches' && key !== 'qemuChanges');
      if (unknown !== undefined) throw new CliError('INVALID_PATCH', `${path}: unknown key "${unknown}": a bundle holds kernelPatches and qemuChanges only`, { file: path, path: unknown });
      const lists = [input.kernelPatches ?? [], input.qemuChanges ?? []];
      if (!lists.every(Array.isArray)) throw new CliError('INVALID_PATCH', `${path}: kernelPatches and qemuChanges must be arrays`, { file: path });
      return createPatchRegistry(lists[0], lists[1]);
    }
    return createPatchRegistry(Array.isArray(input) ? input : [input]);
  } catch (err) {
    if (err instanceof PatchDefinitionError) {
      const where = list ? `${err.kind} ${err.index}: ` : '';
      throw new CliError('INVALID_PATCH', `${path}: ${where}${err.path}: ${err.reason}`, {
        file: path,
        ...(list ? { index: err.index } : {}),
        ...(bundle ? { list: err.kind === 'patch' ? 'kernelPatches' : 'qemuChanges' } : {}),
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
