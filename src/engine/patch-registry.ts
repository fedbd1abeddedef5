/**
 * Proposed kernel patches and QEMU changes: definitions a caller passes in (the CLI's
 * `--patches FILE`, the store's user patches), checked through the same schema as the built-in
 * ones, and applied where a value names them: kernel `5.13+blk-size-check+write-back-v3` is 5.13
 * with those two on top, in that order; hypervisor `qemu-6.1+le-config` is QEMU 6.1 with that change.
 * A registry is an immutable value the caller owns; nothing here is shared between callers.
 */
import { InvalidCombinationError } from './combination';
import { notAKernel } from './lookup';
import { KERNEL_PATCHES } from './profiles/linux/patches';
import { parseKernelVersion, type KernelVersion } from './profiles/linux/versions';
import { QEMU_CHANGES } from './profiles/qemu/changes';
import { HYPERVISORS_BY_NAME } from './profiles/qemu/hypervisors';
import { DefinitionError, ID_PATTERN, ID_RULE, parseKernelPatch, parseQemuChange } from './profiles/schema';
import type { HypervisorProfile, KernelPatch, QemuChange } from './profiles/types';

export interface PatchRegistry {
  readonly patches: ReadonlyMap<string, KernelPatch>;
  readonly qemuChanges: ReadonlyMap<string, QemuChange>;
}

export type DefinitionKind = 'patch' | 'qemu change';

/** A definition in a list that does not fit: which item, where in it, and why. */
export class PatchDefinitionError extends DefinitionError {
  constructor(
    readonly index: number,
    path: string,
    reason: string,
    readonly kind: DefinitionKind = 'patch',
  ) {
    super(path, reason);
    this.message = `${kind} ${index}: ${path}: ${reason}`;
    this.name = 'PatchDefinitionError';
  }
}

const BUILT_IN_IDS = new Set(KERNEL_PATCHES.map((p) => p.id));
const BUILT_IN_RULE_IDS = new Set(KERNEL_PATCHES.flatMap((p) => p.driver ?? []).flatMap((r) => (r.kind === 'configCheck' && r.id ? [r.id] : [])));
const BUILT_IN_CHANGE_IDS = new Set(QEMU_CHANGES.map((c) => c.id));

export const EMPTY_REGISTRY: PatchRegistry = { patches: new Map(), qemuChanges: new Map() };

/** Whether an id is taken by a built-in kernel patch or QEMU change. */
export function isBuiltInId(kind: DefinitionKind, id: string): boolean {
  return kind === 'patch' ? BUILT_IN_IDS.has(id) : BUILT_IN_CHANGE_IDS.has(id);
}

function parseEach<T extends { id: string }>(kind: DefinitionKind, definitions: readonly unknown[], parse: (d: unknown) => T): Map<string, T> {
  const out = new Map<string, T>();
  definitions.forEach((definition, index) => {
    let item: T;
    try {
      item = parse(definition);
    } catch (err) {
      if (err instanceof DefinitionError) throw new PatchDefinitionError(index, err.path, err.reason, kind);
      throw err;
    }
    // Kernel-patch schema v1 checks this itself; qemu-change schema v1 takes any text as a
    // built-in's id, so a proposed change's id is held to the same rule here.
    if (!ID_PATTERN.test(item.id)) throw new PatchDefinitionError(index, 'id', ID_RULE, kind);
    if (isBuiltInId(kind, item.id)) throw new PatchDefinitionError(index, 'id', `"${item.id}" is a built-in ${kind}; give the proposed one another id`, kind);
    if (out.has(item.id)) throw new PatchDefinitionError(index, 'id', `"${item.id}" is defined twice`, kind);
    out.set(item.id, item);
  });
  return out;
}

/**
 * Check proposed kernel patch (kernel-patch schema v1) and QEMU change (qemu-change schema v1)
 * definitions and index them by id. Ids must be new (not built in, not twice); `removes` must
 * name a known patch or rule.
 */
export function createPatchRegistry(definitions: readonly unknown[], qemuDefinitions: readonly unknown[] = []): PatchRegistry {
  const patches = parseEach('patch', definitions, parseKernelPatch);
  const ruleIds = new Set([...patches.values()].flatMap((p) => p.driver ?? []).flatMap((r) => (r.kind === 'configCheck' && r.id ? [r.id] : [])));
  [...patches.values()].forEach((patch, index) => {
    (patch.removes ?? []).forEach((id, i) => {
      if (id === patch.id) throw new PatchDefinitionError(index, `removes.${i}`, 'a patch cannot remove itself');
      if (!BUILT_IN_IDS.has(id) && !BUILT_IN_RULE_IDS.has(id) && !patches.has(id) && !ruleIds.has(id)) {
        throw new PatchDefinitionError(index, `removes.${i}`, `unknown patch or rule id "${id}"`);
      }
    });
  });
  return { patches, qemuChanges: parseEach('qemu change', qemuDefinitions, parseQemuChange) };
}

/** Ids an unknown-id error names at most: enough to spot a typo, not a store's whole listing. */
const NAMES_LISTED = 20;

/** The one spelling of a value with proposed changes: `BASE+ID+ID…` (`5.13+blk-size-check`, `qemu-6.1+le-config`). */
const APPLIED_SEPARATOR = '+';

/** `5.13+a+b` → base 5.13, ids a, b; a released value → itself and no ids. */
export function splitApplied(text: string): { base: string; ids: string[] } {
  const [base, ...ids] = text.split(APPLIED_SEPARATOR);
  return { base, ids };
}

/** Whether a kernel or hypervisor value applies proposed changes. */
export function isProposed(text: string): boolean {
  return text.includes(APPLIED_SEPARATOR);
}

/** A base with ids applied on top: the inverse of `splitApplied`. */
export function withApplied(base: string, ids: readonly string[]): string {
  return [base, ...ids].join(APPLIED_SEPARATOR);
}

/** `BASE+ID+ID…` split; ids looked up in `known`, an unknown or repeated one an InvalidCombinationError on `field`. */
function applied<T>(field: string, text: string, known: ReadonlyMap<string, T>, hint: string): { base: string; items: T[] } {
  const { base, ids } = splitApplied(text);
  const items = ids.map((id, i) => {
    const item = known.get(id);
    if (!item) {
      const names = [...known.keys()];
      const [what, plural] = field === 'kernel' ? ['patch', 'patches'] : ['QEMU change', 'QEMU changes'];
      const listed = names.slice(0, NAMES_LISTED).join(', ') + (names.length > NAMES_LISTED ? ` and ${names.length - NAMES_LISTED} more` : '');
      throw new InvalidCombinationError(field, `unknown ${what} "${id.slice(0, 64)}" in "${text.slice(0, 200)}": ` +
        (names.length > 0 ? `proposed ${plural} given: ${listed}` : `no proposed ${plural} were given (${hint})`));
    }
    if (ids.indexOf(id) !== i) throw new InvalidCombinationError(field, `"${id}" is applied twice in "${text}"`);
    return item;
  });
  return { base, items };
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
  const { base, items } = applied('kernel', text, registry.patches, 'CLI: --patches FILE; service: createKernelPatch');
  const version = parseKernelVersion(base);
  if (!version) throw notAKernel(base);
  return { version, applied: items, text };
}

/** Hypervisors with proposed changes, per registry (two callers may define an id differently). */
const proposedHypervisors = new WeakMap<PatchRegistry, Map<string, HypervisorProfile>>();

/**
 * `qemu-X.Y[+ID…]`: the release's profile with the proposed changes after its own, named as
 * written. The version stays the base's, so device models and vhost-user support follow it.
 */
export function hypervisorOf(text: string, registry: PatchRegistry = EMPTY_REGISTRY): HypervisorProfile {
  const known = HYPERVISORS_BY_NAME.get(text);
  if (known) return known;
  let cache = proposedHypervisors.get(registry);
  const cached = cache?.get(text);
  if (cached) return cached;
  const { base, items } = applied('hypervisor', text, registry.qemuChanges, 'service: createQemuChange');
  const profile = HYPERVISORS_BY_NAME.get(base);
  if (!profile) throw new InvalidCombinationError('hypervisor', `unknown hypervisor "${base}"; expected one of: ${[...HYPERVISORS_BY_NAME.keys()].join(', ')} (BASE+ID applies a proposed QEMU change)`);
  const built: HypervisorProfile = { ...profile, name: text, changes: [...profile.changes, ...items] };
  if (!cache) proposedHypervisors.set(registry, (cache = new Map()));
  cache.set(text, built);
  return built;
}
