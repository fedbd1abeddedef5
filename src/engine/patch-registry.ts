/**
 * Proposed kernel patches: definitions a caller passes in (the CLI's `--patches FILE`), checked
 * through the same schema as the built-in ones, and applied where a kernel value names them:
 * `5.13+blk-size-check+write-back-v3` is 5.13 with those two on top, in that order.
 * A registry is an immutable value the caller owns; nothing here is shared between callers.
 */
import { InvalidCombinationError } from './combination';
import { notAKernel } from './lookup';
import { KERNEL_PATCHES } from './profiles/linux/patches';
import { parseKernelVersion, type KernelVersion } from './profiles/linux/versions';
import { DefinitionError, parseKernelPatch } from './profiles/schema';
import type { KernelPatch } from './profiles/types';

export interface PatchRegistry {
  readonly patches: ReadonlyMap<string, KernelPatch>;
}

/** A definition in a list that does not fit: which item, where in it, and why. */
export class PatchDefinitionError extends DefinitionError {
  constructor(
    readonly index: number,
    path: string,
    reason: string,
  ) {
    super(path, reason);
    this.message = `patch ${index}: ${path}: ${reason}`;
    this.name = 'PatchDefinitionError';
  }
}

const BUILT_IN_IDS = new Set(KERNEL_PATCHES.map((p) => p.id));
const BUILT_IN_RULE_IDS = new Set(KERNEL_PATCHES.flatMap((p) => p.driver ?? []).flatMap((r) => (r.kind === 'configCheck' && r.id ? [r.id] : [])));

export const EMPTY_REGISTRY: PatchRegistry = { patches: new Map() };

/**
 * Check proposed patch definitions (kernel-patch schema v1) and index them by id. Ids must be
 * new (not a built-in commit, not twice); `removes` must name a known patch or rule.
 */
export function createPatchRegistry(definitions: readonly unknown[]): PatchRegistry {
  const patches = new Map<string, KernelPatch>();
  definitions.forEach((definition, index) => {
    let patch: KernelPatch;
    try {
      patch = parseKernelPatch(definition);
    } catch (err) {
      if (err instanceof DefinitionError) throw new PatchDefinitionError(index, err.path, err.reason);
      throw err;
    }
    if (BUILT_IN_IDS.has(patch.id)) throw new PatchDefinitionError(index, 'id', `"${patch.id}" is a built-in patch; give the proposed one another id`);
    if (patches.has(patch.id)) throw new PatchDefinitionError(index, 'id', `"${patch.id}" is defined twice`);
    patches.set(patch.id, patch);
  });
  const ruleIds = new Set([...patches.values()].flatMap((p) => p.driver ?? []).flatMap((r) => (r.kind === 'configCheck' && r.id ? [r.id] : [])));
  [...patches.values()].forEach((patch, index) => {
    (patch.removes ?? []).forEach((id, i) => {
      if (!BUILT_IN_IDS.has(id) && !BUILT_IN_RULE_IDS.has(id) && !patches.has(id) && !ruleIds.has(id)) {
        throw new PatchDefinitionError(index, `removes.${i}`, `unknown patch or rule id "${id}"`);
      }
    });
  });
  return { patches };
}

/** A kernel value: the release, and the proposed patches applied on top of it in order. */
export interface KernelBuild {
  version: KernelVersion;
  applied: readonly KernelPatch[];
  /** As written: `5.13+blk-size-check`. */
  text: string;
}

/** `BASE[+ID…]`, ids looked up in `registry`; an unknown or repeated id is an InvalidCombinationError naming it. */
export function kernelBuildOf(text: string, registry: PatchRegistry = EMPTY_REGISTRY): KernelBuild {
  const [base, ...ids] = text.split('+');
  const version = parseKernelVersion(base);
  if (!version) throw notAKernel(base);
  const applied = ids.map((id, i) => {
    const patch = registry.patches.get(id);
    if (!patch) {
      const known = [...registry.patches.keys()];
      throw new InvalidCombinationError('kernel', `unknown patch "${id}" in "${text}": ` +
        (known.length > 0 ? `proposed patches given: ${known.join(', ')}` : 'no proposed patches were given (CLI: --patches FILE)'));
    }
    if (ids.indexOf(id) !== i) throw new InvalidCombinationError('kernel', `patch "${id}" is applied twice in "${text}"`);
    return patch;
  });
  return { version, applied, text };
}
