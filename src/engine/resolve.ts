/**
 * Combination (strings) → Cell (profiles), or an InvalidCombinationError naming the field.
 * Validity is a property of the data: ccw exists only where a profile says so, QEMU refuses
 * legacy modes for modern-only devices from the release whose change says so, and so on.
 */
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, MODES, STRATEGIES, TRANSPORT_NAMES, featureBit, isOneOf } from './catalog';
import type { Cell, ConfigSource } from './cell';
import { InvalidCombinationError, parseCombination, type Combination } from './combination';
import { featuresFromBits, setBit, type FeatureWords } from './features';
import { compileDriver, driverSince, type CompiledDriver } from './kernel';
import { ARCHS } from './profiles/archs';
import { VIRTIO_F_VERSION_1 } from './profiles/common-features';
import { DEVICES } from './profiles/devices';
import { compareKernelVersions, parseKernelVersion } from './profiles/linux/versions';
import { QEMU_COMMON_OFFERS } from './profiles/qemu/changes';
import { HYPERVISORS_BY_NAME, compareQemuVersions } from './profiles/qemu/hypervisors';
import { TRANSPORTS } from './profiles/transports';
import type { ConfigField, DeviceName, DeviceProfile, HypervisorProfile } from './profiles/types';

function fail(field: string, reason: string): never {
  throw new InvalidCombinationError(field, reason);
}

function oneOf<T extends string>(field: string, values: readonly T[], value: string): T {
  if (!isOneOf(values, value)) fail(field, `unknown ${field} "${value}"; expected one of: ${values.join(', ')}`);
  return value;
}

/** Compiled drivers are shared by every cell with the same kernel, strategy and device. */
const driverCache = new Map<string, CompiledDriver>();

function driverFor(kernelText: string, strategy: (typeof STRATEGIES)[number], device: DeviceName): CompiledDriver {
  const key = `${kernelText}|${strategy}|${device}`;
  let driver = driverCache.get(key);
  if (!driver) {
    const kernel = parseKernelVersion(kernelText);
    if (!kernel) fail('kernel', `"${kernelText}" is not a Linux version (e.g. 4.10, 5.15-rc5, 5.14.14)`);
    if (compareKernelVersions(kernel, driverSince(device)) < 0) {
      fail('kernel', `Linux ${kernelText} has no ${DEVICES[device].linuxDriver} driver (first in ${driverSince(device).text})`);
    }
    driver = compileDriver(kernel, strategy, device);
    driverCache.set(key, driver);
  }
  return driver;
}

function hasChange(h: HypervisorProfile, effect: HypervisorProfile['changes'][number]['effect']): boolean {
  return h.changes.some((c) => c.effect === effect);
}

export function resolveCombination(input: unknown): Cell {
  const c: Combination = parseCombination(input);
  const archName = oneOf('arch', ARCH_NAMES, c.arch);
  const transport = oneOf('transport', TRANSPORT_NAMES, c.transport);
  const deviceName = oneOf('device', DEVICE_NAMES, c.device);
  const mode = oneOf('mode', MODES, c.mode);
  const backend = oneOf('backend', BACKENDS, c.backend);
  const strategy = oneOf('strategy', STRATEGIES, c.strategy);
  const hypervisor = HYPERVISORS_BY_NAME.get(c.hypervisor) ??
    fail('hypervisor', `unknown hypervisor "${c.hypervisor}"; expected one of: ${[...HYPERVISORS_BY_NAME.keys()].join(', ')}`);
  const arch = ARCHS[archName];
  const device = DEVICES[deviceName];
  const hostArch = c.hostArch === undefined ? arch : ARCHS[oneOf('hostArch', ARCH_NAMES, c.hostArch)];

  const transportProfile = TRANSPORTS[transport];
  if (transportProfile.archs && !transportProfile.archs.includes(archName)) {
    fail('transport', `${transport} exists only on ${transportProfile.archs.join(', ')}, not on ${archName}`);
  }
  const transportMode = transportProfile.modes[mode] ?? fail('mode', `${transport} has no ${mode} mode (the transport picks one interface)`);
  if (transportMode.legacyInterface && !device.legacyAllowed && hasChange(hypervisor, 'enforceLegacyAllowed')) {
    fail('mode', `${hypervisor.name} refuses ${mode} ${deviceName}: not in virtio_legacy_allowed(), the device is modern-only`);
  }
  const configSource = backendConfigSource(device, backend, hypervisor);
  const driver = driverFor(c.kernel, strategy, deviceName);
  const pageSize = c.pageSize ?? arch.defaultPageSize;
  if (!arch.pageSizes.includes(pageSize)) fail('pageSize', `${archName} supports page sizes ${arch.pageSizes.join(', ')}, not ${pageSize}`);

  const hostFeatures = offeredFeatures(c, device, transportMode.modernInterface);
  return {
    combination: c,
    arch,
    hostByteOrder: hostArch.endian,
    transport,
    mode,
    transportMode,
    device,
    backend,
    configSource,
    hypervisor,
    earlyModernDetect: hasChange(hypervisor, 'earlyModernDetect'),
    driver,
    pageSize,
    hostFeatures,
    configValues: configValues(c, device, backend),
  };
}

function backendConfigSource(device: DeviceProfile, backend: Cell['backend'], h: HypervisorProfile): ConfigSource {
  if (backend === 'qemu') {
    if (device.qemuModelSince === undefined) fail('backend', `QEMU has no ${device.name} device model of its own; use vhost-user`);
    if (compareQemuVersions(h.version, device.qemuModelSince) < 0) {
      fail('hypervisor', `${h.name} has no ${device.name} device model (first in QEMU ${device.qemuModelSince})`);
    }
    return device.config.length === 0 ? 'none' : 'qemu';
  }
  const vu = device.vhostUser ?? fail('backend', `QEMU has no vhost-user front end for ${device.name}`);
  if (compareQemuVersions(h.version, vu.since) < 0) fail('hypervisor', `${h.name} has no vhost-user ${device.name} (first in QEMU ${vu.since})`);
  return vu.config;
}

/** QEMU's host_features: the model's defaults (or the given list), fields' features, VERSION_1. */
function offeredFeatures(c: Combination, device: DeviceProfile, modernInterface: boolean): FeatureWords {
  const names = c.features ?? [...device.qemuOffers, ...QEMU_COMMON_OFFERS];
  const offered = featuresFromBits([]);
  for (const name of names) {
    const bit = featureBit(device.name, name);
    if (bit === undefined) fail('features', `unknown feature "${name}" for ${device.name}`);
    if (bit === VIRTIO_F_VERSION_1) fail('features', 'VIRTIO_F_VERSION_1 follows from mode; do not list it');
    setBit(offered, bit);
  }
  for (const name of Object.keys(c.config)) {
    const field = device.config.find((f) => f.name === name);
    if (field?.feature) setBit(offered, featureBit(device.name, field.feature)!);
  }
  if (modernInterface) setBit(offered, VIRTIO_F_VERSION_1);
  return offered;
}

function configValues(c: Combination, device: DeviceProfile, backend: Cell['backend']): (number | Uint8Array)[] {
  for (const name of Object.keys(c.config)) {
    if (!device.config.some((f) => f.name === name)) {
      const known = device.config.map((f) => f.name).join(', ') || 'none';
      fail(`config.${name}`, `${device.name} has no config field "${name}" (fields: ${known})`);
    }
  }
  return device.config.map((field) => checkValue(field, c.config[field.name] ?? field.qemuDefault, backend));
}

function checkValue(field: ConfigField, value: number | string, backend: Cell['backend']): number | Uint8Array {
  const where = `config.${field.name}`;
  if (field.type === 'mac') {
    if (typeof value !== 'string' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(value)) fail(where, 'expected a MAC address like 52:54:00:12:34:56');
    return Uint8Array.from(value.split(':').map((h) => parseInt(h, 16)));
  }
  const max = 2 ** (8 * field.width) - 1;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    fail(where, `expected an integer from 0 to ${max} (${field.width}-byte field), got ${JSON.stringify(value)}`);
  }
  const accepts = field.qemuAccepts;
  if (backend === 'qemu' && accepts) {
    const bad = (accepts.min !== undefined && value < accepts.min) || (accepts.max !== undefined && value > accepts.max) ||
      (accepts.powerOf2 === true && (value & (value - 1)) !== 0);
    if (bad) fail(where, `QEMU refuses ${value}: ${accepts.powerOf2 ? 'a power of 2 ' : ''}from ${accepts.min} to ${accepts.max} (${accepts.source})`);
  }
  return value;
}
