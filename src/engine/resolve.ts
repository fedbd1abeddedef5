/**
 * Combination (strings) → Cell (profiles), or an InvalidCombinationError naming the field.
 * Values are looked up by `lookup.ts`, as for matrices; what fits together is decided by the checks of `validity.ts`,
 * asked in their one order (`COMBINATION_CHECKS`), what the device offers and holds by `device-setup.ts`, shared with
 * matrix expansion.
 */
import { LRUCache } from 'lru-cache';
import type { ConfigSource, ResolvedCell } from './cell';
import { InvalidCombinationError, parseCombination, type Combination } from './combination';
import { deviceSetup, type DeviceSetup } from './device-setup';
import { compileDriver, type CompiledDriver } from './kernel';
import { EMPTY_REGISTRY, hypervisorOf, kernelBuildOf, type KernelBuild, type PatchRegistry } from './patch-registry';
import { modernConfigLittleEndian } from './qemu-model';
import { valueOn } from './lookup';
import type { KernelVersion } from './profiles/linux/versions';
import type { TransportProfile } from './profiles/transports';
import type { ArchProfile, BackendName, DeviceMode, DeviceName, DeviceProfile, HypervisorProfile, StrategyName } from './profiles/types';
import {
  COMBINATION_CHECKS, configSourceOf, driverProblem, firstProblem, hasQemuChange, inCheckOrder, modeProblem, pageSizeProblem, problemIn, transportProblem,
  type CombinationCheck, type Invalid,
} from './validity';

/** Compiled drivers are shared by every cell with the same kernel, strategy and device. */
const driverCache = new LRUCache<string, CompiledDriver>({ max: 32_768 }); // bounded: versions and strategies come from callers
/** Kernels with proposed patches: one cache per registry, since two callers may define an id differently. */
const proposedCaches = new WeakMap<PatchRegistry, Map<string, CompiledDriver>>();

export function driverFor(kernel: KernelVersion, strategy: StrategyName, device: DeviceName): CompiledDriver {
  const key = `${kernel.text}|${strategy}|${device}`;
  let driver = driverCache.get(key);
  if (!driver) {
    driver = compileDriver(kernel, strategy, device);
    driverCache.set(key, driver);
  }
  return driver;
}

export function driverForBuild(build: KernelBuild, registry: PatchRegistry, strategy: StrategyName, device: DeviceName): CompiledDriver {
  if (build.applied.length === 0) return driverFor(build.version, strategy, device);
  let cache = proposedCaches.get(registry);
  if (!cache) proposedCaches.set(registry, (cache = new Map()));
  const key = `${build.text}|${strategy}|${device}`;
  let driver = cache.get(key);
  if (!driver) {
    driver = compileDriver(build.version, strategy, device, build.applied);
    cache.set(key, driver);
  }
  return driver;
}

export interface ResolveOptions {
  /** Proposed patches that kernel values may apply (`5.13+ID`). */
  patches?: PatchRegistry;
}

/** A combination's values, looked up: what its checks ask about. The checks that compute a value keep it here. */
interface LookedUp {
  c: Combination;
  arch: ArchProfile;
  transport: TransportProfile;
  device: DeviceProfile;
  mode: DeviceMode;
  backend: BackendName;
  strategy: StrategyName;
  registry: PatchRegistry;
  hypervisor: HypervisorProfile;
  build: KernelBuild;
  hostArch: ArchProfile;
  pageSize: number;
  configSource?: ConfigSource | Invalid;
  setup?: DeviceSetup | Invalid;
}

function lookUp(input: unknown, options: ResolveOptions): LookedUp {
  const c = parseCombination(input);
  const arch = valueOn('arch', c.arch);
  const registry = options.patches ?? EMPTY_REGISTRY;
  return {
    c,
    arch,
    transport: valueOn('transport', c.transport),
    device: valueOn('device', c.device),
    mode: valueOn('mode', c.mode),
    backend: valueOn('backend', c.backend),
    strategy: valueOn('strategy', c.strategy),
    registry,
    hypervisor: hypervisorOf(c.hypervisor, registry),
    build: kernelBuildOf(c.kernel, registry),
    hostArch: c.hostArch === undefined ? arch : valueOn('arch', c.hostArch, 'hostArch'),
    pageSize: c.pageSize ?? arch.defaultPageSize,
  };
}

/** The combination checks (validity.ts), answered from the values themselves. */
const CHECKS = inCheckOrder<LookedUp>({
  transport: (x) => transportProblem(x.arch, x.transport),
  mode: (x) => modeProblem(x.transport, x.mode, x.device, x.hypervisor),
  configSource: (x) => problemIn((x.configSource = configSourceOf(x.device, x.backend, x.hypervisor))),
  driver: (x) => driverProblem(x.build.version, x.device),
  pageSize: (x) => pageSizeProblem(x.arch, x.pageSize),
  deviceSetup: (x) => {
    const transportMode = x.transport.modes[x.mode];
    // A mode the transport lacks is the mode check's problem: there is no device to set up.
    if (!transportMode) return null;
    x.setup = deviceSetup(x.device, x.transport, x.hypervisor, transportMode.modernInterface, x.c.config, x.c.features, x.backend);
    return problemIn(x.setup);
  },
});

/**
 * Every check a combination fails, each asked on its own, in check order: `resolveCombination`
 * refuses the combination for the first. Unknown values still throw, as there is nothing to check.
 */
export function problemsOf(input: unknown, options: ResolveOptions = {}): { check: CombinationCheck; problem: Invalid }[] {
  const x = lookUp(input, options);
  return COMBINATION_CHECKS.flatMap((check, i) => {
    const problem = CHECKS[i](x);
    return problem ? [{ check, problem }] : [];
  });
}

export function resolveCombination(input: unknown, options: ResolveOptions = {}): ResolvedCell {
  const x = lookUp(input, options);
  const problem = firstProblem(CHECKS, x);
  if (problem) throw new InvalidCombinationError(problem.field, problem.reason);
  const { c, arch, transport, device, mode, backend, hypervisor, build } = x;
  const setup = x.setup as DeviceSetup;
  return {
    combination: c,
    arch,
    hostByteOrder: x.hostArch.endian,
    transport: transport.name,
    mode,
    transportMode: transport.modes[mode]!,
    device,
    backend,
    configSource: x.configSource as ConfigSource,
    hypervisor,
    earlyModernDetect: hasQemuChange(hypervisor, 'earlyModernDetect'),
    modernConfigLittleEndian: modernConfigLittleEndian(hypervisor),
    driver: driverForBuild(build, x.registry, x.strategy, device.name),
    pageSize: x.pageSize,
    hostFeatures: setup.hostFeatures,
    modernView: setup.modernView,
    configValues: setup.configValues,
  };
}
