/**
 * firstRegression: walk an ordered axis (kernel or QEMU versions) for one combination and find
 * the first value where the verdict got worse than at the previous value that exists, with the
 * patches or QEMU changes that differ between the two.
 */
import { parseCombination, type CombinationInput } from './combination';
import { evaluate } from './evaluate';
import { InvalidCombinationError } from './combination';
import { KERNEL_PATCHES } from './profiles/linux/patches';
import { NOTABLE_KERNELS } from './profiles/linux/notable';
import { compareKernelVersions, parseKernelVersion } from './profiles/linux/versions';
import { HYPERVISORS } from './profiles/qemu/hypervisors';
import { EMPTY_REGISTRY, hypervisorOf, isProposed, kernelBuildOf, splitApplied, type PatchRegistry } from './patch-registry';
import type { ResolveOptions } from './resolve';
import type { Outcome } from './outcome';
import { transitionOf } from './grid';
import { VERDICTS, type VerdictCode } from './sim/verdict';

export type OrderedAxis = 'kernel' | 'hypervisor';

export interface Responsible {
  id: string;
  title: string;
  /** `added` in the later version, or `removed` from it. */
  change: 'added' | 'removed';
}

export interface FirstRegression {
  axis: OrderedAxis;
  /** Values walked, in order (the ones that exist for this combination). */
  walked: string[];
  /** Null when the verdict never got worse along the axis. */
  found: null | {
    before: string;
    at: string;
    beforeOutcome: Outcome;
    atOutcome: Outcome;
    responsible: Responsible[];
  };
}

/**
 * Released values in order, and the combination's own value: a value with proposed changes
 * (`5.13+ID`, `qemu-6.1+ID`) sits right after its base, so the walk crosses the proposal.
 */
function orderedValues(axis: OrderedAxis, own: string): string[] {
  const ownBase = splitApplied(own).base;
  const withOwn = (values: string[]) => {
    if (values.includes(own) || own === ownBase) return values;
    const at = values.indexOf(ownBase);
    return at < 0 ? values : [...values.slice(0, at + 1), own, ...values.slice(at + 1)];
  };
  if (axis === 'hypervisor') return withOwn(HYPERVISORS.filter((h) => h.changes.every((c) => c.release !== undefined)).map((h) => h.name));
  const versions = new Set<string>([...NOTABLE_KERNELS, ownBase]);
  const parsed = [...versions].map((v) => parseKernelVersion(v)).filter((v) => v !== undefined);
  return withOwn(parsed.sort(compareKernelVersions).map((v) => v.text));
}

function responsibleFor(axis: OrderedAxis, before: Outcome, at: Outcome, registry: PatchRegistry): Responsible[] {
  if (axis === 'kernel') {
    const title = (id: string) => (KERNEL_PATCHES.find((p) => p.id === id) ?? registry.patches.get(id))?.title ?? id;
    const b = new Set(before.patches);
    const a = new Set(at.patches);
    return [
      ...at.patches.filter((id) => !b.has(id)).map((id) => ({ id, title: title(id), change: 'added' as const })),
      ...before.patches.filter((id) => !a.has(id)).map((id) => ({ id, title: title(id), change: 'removed' as const })),
    ];
  }
  const changes = (name: string) => hypervisorOf(name, registry).changes;
  const b = changes(before.combination.hypervisor);
  const a = changes(at.combination.hypervisor);
  // A proposed change sits between releases: the next release lacks it, which shows as removed.
  return [
    ...a.filter((c) => !b.some((x) => x.id === c.id)).map((c) => ({ id: c.id, title: c.title, change: 'added' as const })),
    ...b.filter((c) => !a.some((x) => x.id === c.id)).map((c) => ({ id: c.id, title: c.title, change: 'removed' as const })),
  ];
}

/** `options.patches`: proposed kernel patches and QEMU changes the combination's values may apply. */
export function firstRegression(input: CombinationInput | unknown, axis: OrderedAxis, options: ResolveOptions = {}): FirstRegression {
  const registry = options.patches ?? EMPTY_REGISTRY;
  const base = parseCombination(input);
  // An unknown proposed id is the caller's mistake, not a version that does not exist.
  if (isProposed(base.kernel)) kernelBuildOf(base.kernel, registry);
  if (isProposed(base.hypervisor)) hypervisorOf(base.hypervisor, registry);
  const walked: string[] = [];
  let previous: Outcome | null = null;
  for (const value of orderedValues(axis, base[axis])) {
    let outcome: Outcome;
    try {
      outcome = evaluate({ ...base, [axis]: value }, { trace: false, patches: registry });
    } catch (err) {
      if (err instanceof InvalidCombinationError) continue; // this version does not exist for the combination
      throw err;
    }
    walked.push(value);
    if (previous) {
      const t = transitionOf(VERDICTS.indexOf(previous.verdict) as VerdictCode, VERDICTS.indexOf(outcome.verdict) as VerdictCode);
      if (t === 'REGRESSION') {
        return { axis, walked, found: { before: walked[walked.length - 2], at: value, beforeOutcome: previous, atOutcome: outcome, responsible: responsibleFor(axis, previous, outcome, registry) } };
      }
    }
    previous = outcome;
  }
  return { axis, walked, found: null };
}
