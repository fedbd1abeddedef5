/**
 * A Linux kernel as the engine sees it: the patches a version string contains, narrowed by a
 * strategy, compiled per device into the rules `virtio_dev_probe()` runs.
 */
import { LRUCache } from 'lru-cache';
import { TRANSPORT_NAMES, featureBit, requireConfigField, requireFeatureBit } from './catalog';
import { clearBit, featureWords, featuresFromBits, setBit, type FeatureWords } from './features';
import { TRANSPORT_F_END, TRANSPORT_F_START } from './profiles/common-features';
import { DEVICES } from './profiles/devices';
import { LINUX_DRIVERS } from './profiles/linux/drivers';
import { KERNEL_PATCHES } from './profiles/linux/patches';
import { MODELLED_KERNELS } from './profiles/linux/range';
import { RING_FEATURES } from './profiles/linux/ring';
import { LINUX_VIRTIO_1 } from './profiles/linux/virtio-1';
import { compareKernelVersions, kernelContains, parseKernelVersion, type KernelVersion } from './profiles/linux/versions';
import { withApplied } from './patch-registry';
import type { ConfigField, CoreRule, DeviceName, DriverRule, KernelPatch, RangeCheck, StrategyName, TransportName } from './profiles/types';

/** A config check compiled against a device's layout. */
export interface CompiledCheck {
  field: ConfigField;
  /** Index of `field` in the device's config layout (and in `Cell.configValues`). */
  fieldIndex: number;
  featureBit: number;
  reject: RangeCheck;
  action: 'clearFeature' | 'failProbe';
  afterFindVqs: boolean;
  message: string;
}

/** One `validate()` step, in source order. */
export type ValidateStep =
  | { kind: 'check'; check: CompiledCheck }
  | { kind: 'policyClear'; featureBit: number; message: string }
  | { kind: 'requireVersion1'; message: string };

/** What one kernel + strategy does with one device type. */
export interface CompiledDriver {
  kernel: string;
  strategy: StrategyName;
  device: DeviceName;
  /** Patch ids in effect, oldest first. */
  patches: readonly string[];
  featureTable: FeatureWords;
  featureTableLegacy: FeatureWords;
  /**
   * Per transport, the bits that survive its `finalize_features`: all device bits, the transport
   * bits the ring code supports (`vring_transport_features()`), and the transport's own.
   */
  ringMasks: Record<TransportName, FeatureWords>;
  /** The driver has a `validate` callback and the core calls it (404123c2db79). */
  hasValidate: boolean;
  validate: readonly ValidateStep[];
  probeChecks: readonly CompiledCheck[];
  writeBackVersion1BeforeValidate: boolean;
  finalizeBeforeValidate: boolean;
  /** Which patch each core rule in effect comes from (a proposed one may supply it): traces name it. */
  coreRuleFrom: Readonly<Partial<Record<CoreRule['kind'], string>>>;
  /**
   * Per transport: null when the transport speaks virtio 1.0 (profiles/linux/virtio-1.ts), else
   * what Linux does with a device that has no legacy interface. Below it the driver uses only the
   * legacy interface.
   */
  noModernInterface: Record<TransportName, string | null>;
  /** Set when the version lies outside MODELLED_KERNELS: which end the outcome is extrapolated from. */
  extrapolated: string | null;
}

const parsedPatches = KERNEL_PATCHES.map((patch) => ({
  patch,
  mainline: mustParse(patch.mainline),
  stable: patch.stable.map(mustParse),
}));

function mustParse(text: string): KernelVersion {
  const v = parseKernelVersion(text);
  if (!v) throw new Error(`profile data has a bad kernel version: ${text}`);
  return v;
}

/** Patches a kernel version contains, as released. */
export function patchesIn(kernel: KernelVersion): KernelPatch[] {
  return parsedPatches.filter((p) => kernelContains(kernel, p.mainline, p.stable)).map((p) => p.patch);
}

/**
 * The patch set a strategy runs: `as-shipped` is the release with `applied` (proposed patches,
 * `5.13+ID`) after its own; `pre-fix` drops every remedy, proposed ones too; `revert`,
 * `write-back`, `ack-all` are pre-fix plus that one remedy: the applied fixes naming it when
 * there are any, else the built-in one.
 */
export function patchesForStrategy(kernel: KernelVersion, strategy: StrategyName, applied: readonly KernelPatch[] = []): KernelPatch[] {
  const shipped = applied.length === 0 ? patchesIn(kernel) : [...patchesIn(kernel), ...applied];
  if (strategy === 'as-shipped') return shipped;
  const preFix = shipped.filter((p) => p.role !== 'fix');
  if (strategy === 'pre-fix') return preFix;
  const proposed = applied.filter((p) => p.role === 'fix' && p.remedy === strategy);
  if (proposed.length > 0) return [...preFix, ...proposed];
  const remedy = KERNEL_PATCHES.find((p) => p.remedy === strategy)!;
  return [...preFix, remedy];
}

/** A patch that only removes others (a revert commit) has no source change of its own. */
function hasOwnRules(patch: KernelPatch): boolean {
  return (patch.driver?.length ?? 0) > 0 || (patch.core?.length ?? 0) > 0;
}

/**
 * What building `strategy` from a released kernel's source must change, as patch ids: `revert`
 * lists the released patches the strategy lacks (newest first), `apply` the patches it has and
 * the release lacks (oldest first). A dropped revert commit shows as the patch it removed coming
 * back. Applied in that order (reverts, then applies) the source behaves as the strategy's rules.
 */
export function sourceChanges(kernel: KernelVersion, strategy: StrategyName): { revert: string[]; apply: string[] } {
  const liveIds = (patches: readonly KernelPatch[]) => new Set(effectiveRules(patches).live.filter(hasOwnRules).map((p) => p.id));
  const released = liveIds(patchesIn(kernel));
  const chosen = liveIds(patchesForStrategy(kernel, strategy));
  const order = [...parsedPatches].sort((a, b) => compareKernelVersions(a.mainline, b.mainline)).map((p) => p.patch.id);
  return {
    revert: order.filter((id) => released.has(id) && !chosen.has(id)).reverse(),
    apply: order.filter((id) => chosen.has(id) && !released.has(id)),
  };
}

/** Rules left after removals: a patch may remove whole patches or single rules by id. */
function effectiveRules(patches: readonly KernelPatch[]) {
  const removed = new Set(patches.flatMap((p) => p.removes ?? []));
  const live = patches.filter((p) => !removed.has(p.id));
  return {
    live,
    driver: live.flatMap((p) => p.driver ?? []).filter((r) => !(r.kind === 'configCheck' && r.id && removed.has(r.id))),
    core: new Map(live.flatMap((p) => (p.core ?? []).map((r) => [r.kind, p.id] as const))),
  };
}

/** Rules of a released kernel under a strategy: the same for every device, so a plan compiling all of them works them out once. */
// Bounded: any well-formed version is accepted (evaluate 9.99.1), and each would stay forever.
const releasedRuleCache = new LRUCache<string, ReturnType<typeof effectiveRules>>({ max: 16_384 });

function releasedRules(kernel: KernelVersion, strategy: StrategyName): ReturnType<typeof effectiveRules> {
  const key = `${kernel.text}|${strategy}`;
  let rules = releasedRuleCache.get(key);
  if (!rules) releasedRuleCache.set(key, (rules = effectiveRules(patchesForStrategy(kernel, strategy))));
  return rules;
}

/** A revert or replacement touches a device when a patch it removes had rules for it. */
function touches(patch: KernelPatch, device: DeviceName, applied: readonly KernelPatch[]): boolean {
  const find = (id: string) => KERNEL_PATCHES.find((p) => p.id === id) ?? applied.find((p) => p.id === id);
  return (patch.removes ?? []).some((id) => find(id)?.driver?.some((r) => r.device === device) ?? false);
}

function compileCheck(device: DeviceName, rule: Extract<DriverRule, { kind: 'configCheck' }>): CompiledCheck {
  const field = requireConfigField(DEVICES[device], rule.field);
  return {
    field,
    fieldIndex: DEVICES[device].config.indexOf(field),
    featureBit: requireFeatureBit(device, rule.whenFeature),
    reject: rule.reject,
    action: rule.action,
    afterFindVqs: rule.afterFindVqs ?? false,
    message: rule.message,
  };
}

/**
 * `applied`: proposed patches on top of the release, in order (`5.13+ID+ID`); the compiled
 * driver's `kernel` then names them too. Everything version-bound (transports, ring features,
 * extrapolation) follows the release.
 */
export function compileDriver(kernel: KernelVersion, strategy: StrategyName, device: DeviceName, applied: readonly KernelPatch[] = []): CompiledDriver {
  const profile = LINUX_DRIVERS[device];
  const { live, driver, core } = applied.length > 0 ? effectiveRules(patchesForStrategy(kernel, strategy, applied)) : releasedRules(kernel, strategy);
  const rules = [...(profile.rules ?? []), ...driver].filter((r) => r.device === device);

  const table = featuresFromBits(profile.featureTable.map((n) => requireFeatureBit(device, n)));
  const legacy = featuresFromBits(profile.featureTableLegacy.map((n) => requireFeatureBit(device, n)));
  const validate: ValidateStep[] = [];
  const probeChecks: CompiledCheck[] = [];
  for (const rule of rules) {
    switch (rule.kind) {
      case 'acceptFeature':
        setBit(table, requireFeatureBit(device, rule.feature));
        if (!rule.modernOnly) setBit(legacy, requireFeatureBit(device, rule.feature));
        break;
      case 'dropFeature':
        clearBit(table, requireFeatureBit(device, rule.feature));
        clearBit(legacy, requireFeatureBit(device, rule.feature));
        break;
      case 'configCheck':
        if (rule.phase === 'validate') validate.push({ kind: 'check', check: compileCheck(device, rule) });
        else probeChecks.push(compileCheck(device, rule));
        break;
      case 'policyClear':
        validate.push({ kind: 'policyClear', featureBit: requireFeatureBit(device, rule.feature), message: rule.message });
        break;
      case 'requireVersion1':
        validate.push({ kind: 'requireVersion1', message: rule.message });
        break;
    }
  }
  const hasValidate = core.has('validateHook') && validate.length > 0;
  return {
    kernel: withApplied(kernel.text, applied.map((p) => p.id)),
    strategy,
    device,
    // Only patches that change this driver or the core: another device's check is no cause here.
    patches: live.filter((p) => (p.core?.length ?? 0) > 0 || (p.driver ?? []).some((r) => r.device === device) || (p.removes ?? []).length > 0 && touches(p, device, applied)).map((p) => p.id),
    featureTable: table,
    featureTableLegacy: legacy,
    ringMasks: ringMasksOf(kernel, device),
    hasValidate,
    validate: hasValidate ? validate : [],
    probeChecks,
    writeBackVersion1BeforeValidate: core.has('writeBackVersion1BeforeValidate'),
    finalizeBeforeValidate: core.has('finalizeBeforeValidate'),
    coreRuleFrom: Object.fromEntries(core),
    noModernInterface: { pci: noModern(kernel, 'pci'), ccw: noModern(kernel, 'ccw'), mmio: noModern(kernel, 'mmio') },
    extrapolated: extrapolation(kernel),
  };
}

/** Profile versions parsed once: a plan compiles thousands of drivers. */
const VIRTIO_1_SINCE = Object.fromEntries(Object.entries(LINUX_VIRTIO_1).map(([t, support]) => [t, mustParse(support.since)])) as Record<TransportName, KernelVersion>;
const RING_SINCE = RING_FEATURES.map((r) => mustParse(r.since));

function noModern(kernel: KernelVersion, transport: TransportName): string | null {
  return compareKernelVersions(kernel, VIRTIO_1_SINCE[transport]) >= 0 ? null : LINUX_VIRTIO_1[transport].noModern;
}

const OLDEST = mustParse(MODELLED_KERNELS.oldest);
const NEWEST = mustParse(MODELLED_KERNELS.newest);

/** Series compare (6.12.40 is within 6.12): outside the modelled series, say which end the outcome rests on. */
export function extrapolation(kernel: KernelVersion): string | null {
  const series = (v: KernelVersion) => v.major * 1000 + v.minor;
  if (series(kernel) > series(NEWEST)) {
    return `Linux ${kernel.text} is newer than the newest modelled release (${NEWEST.text}): the outcome is extrapolated from ` +
      `${NEWEST.text}, assuming no later change to negotiation or config reads.`;
  }
  if (series(kernel) < series(OLDEST)) {
    return `Linux ${kernel.text} is older than the oldest modelled release (${OLDEST.text}): the outcome is extrapolated from ` +
      `${OLDEST.text} (legacy interface only, no validate()), assuming nothing older differs.`;
  }
  return null;
}

/** Ring masks follow the release and the device, not the strategy: shared by a release's drivers for a device. */
const ringMaskCache = new LRUCache<string, Record<TransportName, FeatureWords>>({ max: 16_384 });

function ringMasksOf(kernel: KernelVersion, device: DeviceName): Record<TransportName, FeatureWords> {
  const key = `${kernel.text}|${device}`;
  let masks = ringMaskCache.get(key);
  if (!masks) ringMaskCache.set(key, (masks = Object.fromEntries(TRANSPORT_NAMES.map((t) => [t, ringMask(kernel, device, t)])) as Record<TransportName, FeatureWords>));
  return masks;
}

function ringMask(kernel: KernelVersion, device: DeviceName, transport: TransportName): FeatureWords {
  const mask = featureWords(0xffffffff, 0xffffffff);
  for (let bit = TRANSPORT_F_START; bit < TRANSPORT_F_END; bit++) clearBit(mask, bit);
  RING_FEATURES.forEach((r, i) => {
    if (r.transports && !r.transports.includes(transport)) return;
    const bit = featureBit(device, r.feature);
    if (bit !== undefined && compareKernelVersions(kernel, RING_SINCE[i]) >= 0) setBit(mask, bit);
  });
  return mask;
}

/** First mainline version with a driver for the device. */
export function driverSince(device: DeviceName): KernelVersion {
  return mustParse(LINUX_DRIVERS[device].since);
}
