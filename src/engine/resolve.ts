/**
 * Combination (strings) → Cell (profiles), or an InvalidCombinationError naming the field.
 * Lookups happen here; what fits together is decided by `validity.ts`, what the device offers
 * and holds by `device-setup.ts`, shared with matrix expansion.
 */
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, MODES, STRATEGIES, TRANSPORT_NAMES, isOneOf } from './catalog';
import type { Cell, ResolvedCell } from './cell';
import { InvalidCombinationError, parseCombination } from './combination';
import { deviceSetup, isInvalid } from './device-setup';
import { compileDriver, type CompiledDriver } from './kernel';
import { ARCHS } from './profiles/archs';
import { parseKernelVersion, type KernelVersion } from './profiles/linux/versions';
import { HYPERVISORS_BY_NAME } from './profiles/qemu/hypervisors';
import { TRANSPORTS } from './profiles/transports';
import type { DeviceName, StrategyName } from './profiles/types';
import { DEVICES } from './profiles/devices';
import { configSourceOf, driverProblem, hasQemuChange, modeProblem, pageSizeProblem, transportProblem, type Invalid } from './validity';

function raise(problem: Invalid | null): void {
  if (problem) throw new InvalidCombinationError(problem.field, problem.reason);
}

function oneOf<T extends string>(field: string, values: readonly T[], value: string): T {
  if (!isOneOf(values, value)) raise({ field, reason: `unknown ${field} "${value}"; expected one of: ${values.join(', ')}` });
  return value as T;
}

export function kernelVersionOf(text: string): KernelVersion {
  const kernel = parseKernelVersion(text);
  if (!kernel) throw new InvalidCombinationError('kernel', `"${text}" is not a Linux version (e.g. 4.10, 5.15-rc5, 5.14.14)`);
  return kernel;
}

/** Compiled drivers are shared by every cell with the same kernel, strategy and device. */
const driverCache = new Map<string, CompiledDriver>();

export function driverFor(kernel: KernelVersion, strategy: StrategyName, device: DeviceName): CompiledDriver {
  const key = `${kernel.text}|${strategy}|${device}`;
  let driver = driverCache.get(key);
  if (!driver) {
    driver = compileDriver(kernel, strategy, device);
    driverCache.set(key, driver);
  }
  return driver;
}

export function resolveCombination(input: unknown): ResolvedCell {
  const c = parseCombination(input);
  const arch = ARCHS[oneOf('arch', ARCH_NAMES, c.arch)];
  const transport = TRANSPORTS[oneOf('transport', TRANSPORT_NAMES, c.transport)];
  const device = DEVICES[oneOf('device', DEVICE_NAMES, c.device)];
  const mode = oneOf('mode', MODES, c.mode);
  const backend = oneOf('backend', BACKENDS, c.backend);
  const strategy = oneOf('strategy', STRATEGIES, c.strategy);
  const hypervisor = HYPERVISORS_BY_NAME.get(c.hypervisor);
  if (!hypervisor) raise({ field: 'hypervisor', reason: `unknown hypervisor "${c.hypervisor}"; expected one of: ${[...HYPERVISORS_BY_NAME.keys()].join(', ')}` });
  const kernel = kernelVersionOf(c.kernel);
  const hostArch = c.hostArch === undefined ? arch : ARCHS[oneOf('hostArch', ARCH_NAMES, c.hostArch)];
  const pageSize = c.pageSize ?? arch.defaultPageSize;

  raise(transportProblem(arch, transport));
  raise(modeProblem(transport, mode, device, hypervisor!));
  const configSource = configSourceOf(device, backend, hypervisor!);
  if (isInvalid(configSource)) raise(configSource);
  raise(driverProblem(kernel, device));
  raise(pageSizeProblem(arch, pageSize));
  const transportMode = transport.modes[mode]!;
  const setup = deviceSetup(device, transport, hypervisor!, transportMode.modernInterface, c.config, c.features, backend);
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
    hypervisor: hypervisor!,
    earlyModernDetect: hasQemuChange(hypervisor!, 'earlyModernDetect'),
    driver: driverFor(kernel, strategy, device.name),
    pageSize,
    hostFeatures: setup.hostFeatures,
    modernView: setup.modernView,
    configValues: setup.configValues,
  };
}
