/**
 * Combination (strings) → Cell (profiles), or an InvalidCombinationError naming the field.
 * Values are looked up by `lookup.ts`, as for matrices; what fits together is decided by `validity.ts`, what the device offers
 * and holds by `device-setup.ts`, shared with matrix expansion.
 */
import type { Cell, ResolvedCell } from './cell';
import { InvalidCombinationError, parseCombination } from './combination';
import { deviceSetup, isInvalid } from './device-setup';
import { compileDriver, type CompiledDriver } from './kernel';
import { EMPTY_REGISTRY, hypervisorOf, kernelBuildOf, type KernelBuild, type PatchRegistry } from './patch-registry';
import { modernConfigLittleEndian } from './qemu-model';
import { valueOn } from './lookup';
import type { KernelVersion } from './profiles/linux/versions';
import type { DeviceName, StrategyName } from './profiles/types';
import { configSourceOf, driverProblem, hasQemuChange, modeProblem, pageSizeProblem, transportProblem, type Invalid } from './validity';

function raise(problem: Invalid | null): void {
  if (problem) throw new InvalidCombinationError(problem.field, problem.reason);
}

/** Compiled drivers are shared by every cell with the same kernel, strategy and device. */
const driverCache = new Map<string, CompiledDriver>();
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

export function resolveCombination(input: unknown, options: ResolveOptions = {}): ResolvedCell {
  const c = parseCombination(input);
  const arch = valueOn('arch', c.arch);
  const transport = valueOn('transport', c.transport);
  const device = valueOn('device', c.device);
  const mode = valueOn('mode', c.mode);
  const backend = valueOn('backend', c.backend);
  const strategy = valueOn('strategy', c.strategy);
  const registry = options.patches ?? EMPTY_REGISTRY;
  const hypervisor = hypervisorOf(c.hypervisor, registry);
  const build = kernelBuildOf(c.kernel, registry);
  const kernel = build.version;
  const hostArch = c.hostArch === undefined ? arch : valueOn('arch', c.hostArch, 'hostArch');
  const pageSize = c.pageSize ?? arch.defaultPageSize;

  raise(transportProblem(arch, transport));
  raise(modeProblem(transport, mode, device, hypervisor));
  const configSource = configSourceOf(device, backend, hypervisor);
  if (isInvalid(configSource)) raise(configSource);
  raise(driverProblem(kernel, device));
  raise(pageSizeProblem(arch, pageSize));
  const transportMode = transport.modes[mode]!;
  const setup = deviceSetup(device, transport, hypervisor, transportMode.modernInterface, c.config, c.features, backend);
  if (isInvalid(setup)) throw new InvalidCombinationError(setup.field, setup.reason);

  return {
    combination: c,
    arch,
    hostByteOrder: hostArch.endian,
    transport: transport.name,
    mode,
    transportMode,
    device,
    backend,
    configSource: configSource as Cell['configSource'],
    hypervisor: hypervisor,
    earlyModernDetect: hasQemuChange(hypervisor, 'earlyModernDetect'),
    modernConfigLittleEndian: modernConfigLittleEndian(hypervisor),
    driver: driverForBuild(build, registry, strategy, device.name),
    pageSize,
    hostFeatures: setup.hostFeatures,
    modernView: setup.modernView,
    configValues: setup.configValues,
  };
}
