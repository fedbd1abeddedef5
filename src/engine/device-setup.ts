/**
 * What a device offers and holds in config for given config values: QEMU's host_features and
 * the true value of every field. Bad values (wrong type, out of the field's range, refused by
 * QEMU's property) are reported as Invalid.
 */
import { featureBit } from './catalog';
import { clearBit, emptyFeatures, featureWords, setBit, type FeatureWords } from './features';
import { VIRTIO_F_VERSION_1 } from './profiles/common-features';
import { QEMU_COMMON_OFFERS, QEMU_LEGACY_FEATURES } from './profiles/qemu/changes';
import { compareQemuVersions } from './profiles/qemu/hypervisors';
import type { TransportProfile } from './profiles/transports';
import type { BackendName, ConfigField, DeviceProfile, HypervisorProfile } from './profiles/types';
import { offersOn } from './qemu-model';
import { isPowerOf2 } from './sim/simulator';
import { isInvalid, type Invalid } from './validity';

export interface DeviceSetup {
  hostFeatures: FeatureWords;
  /** What a modern interface shows: host_features without the legacy-only bits. */
  modernView: FeatureWords;
  configValues: (number | Uint8Array)[];
}

export type ConfigInput = Readonly<Record<string, number | string>>;

/**
 * `features` replaces the model's defaults; the transport's proxy adds its own bits; each given
 * config field adds its feature (a given field implies the device offers it); VERSION_1 comes
 * with a modern interface.
 */
export function deviceSetup(
  device: DeviceProfile, transport: TransportProfile, hypervisor: HypervisorProfile, modernInterface: boolean,
  config: ConfigInput, features: readonly string[] | undefined, backend: BackendName,
): DeviceSetup | Invalid {
  const hostFeatures = emptyFeatures();
  for (const name of [...(features ?? modelOffers(device, hypervisor, modernInterface)), ...(transport.qemuOffers ?? [])]) {
    const bit = featureBit(device.name, name);
    if (bit === undefined) return { field: 'features', reason: `unknown feature "${name}" for ${device.name}` };
    if (bit === VIRTIO_F_VERSION_1) return { field: 'features', reason: 'VIRTIO_F_VERSION_1 follows from mode; do not list it' };
    setBit(hostFeatures, bit);
  }
  for (const name of Object.keys(config)) {
    const field = device.config.find((f) => f.name === name);
    if (!field) {
      const known = device.config.map((f) => f.name).join(', ') || 'none';
      return { field: `config.${name}`, reason: `${device.name} has no config field "${name}" (fields: ${known})` };
    }
    if (field.feature) setBit(hostFeatures, featureBit(device.name, field.feature)!);
  }
  if (modernInterface) setBit(hostFeatures, VIRTIO_F_VERSION_1);
  const modernView = featureWords(hostFeatures.lo, hostFeatures.hi);
  for (const name of [...QEMU_LEGACY_FEATURES, ...(device.qemuLegacyFeatures ?? [])]) clearBit(modernView, featureBit(device.name, name)!);
  const configValues: (number | Uint8Array)[] = [];
  for (const field of device.config) {
    const value = checkValue(field, config[field.name] ?? field.qemuDefault, backend);
    if (isInvalid(value)) return value;
    configValues.push(value);
  }
  return { hostFeatures, modernView, configValues };
}

/** What QEMU's device model offers by default in this release, with or without a modern interface. */
function modelOffers(device: DeviceProfile, hypervisor: HypervisorProfile, modernInterface: boolean): string[] {
  const inRelease = (o: string | { feature: string; since: string }) => typeof o === 'string' || compareQemuVersions(hypervisor.version, o.since) >= 0;
  const name = (o: string | { feature: string }) => (typeof o === 'string' ? o : o.feature);
  const offers = offersOn(hypervisor, device.name, [...device.qemuOffers, ...QEMU_COMMON_OFFERS].filter(inRelease).map(name));
  const legacyOnly = device.qemuLegacyOnlyOffers;
  if (modernInterface || !legacyOnly) return offers;
  return [...offers.filter((f) => !legacyOnly.remove.includes(f)), ...legacyOnly.add];
}

function checkValue(field: ConfigField, value: number | string, backend: BackendName): number | Uint8Array | Invalid {
  const where = `config.${field.name}`;
  if (field.type === 'mac') {
    if (typeof value !== 'string' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(value)) return { field: where, reason: 'expected a MAC address like 52:54:00:12:34:56' };
    return Uint8Array.from(value.split(':').map((h) => parseInt(h, 16)));
  }
  const max = 2 ** (8 * field.width) - 1;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    return { field: where, reason: `expected an integer from 0 to ${max} (${field.width}-byte field), got ${JSON.stringify(value)}` };
  }
  const accepts = field.qemuAccepts;
  if (backend === 'qemu' && accepts) {
    const bad = (accepts.min !== undefined && value < accepts.min) || (accepts.max !== undefined && value > accepts.max) ||
      (accepts.powerOf2 === true && !isPowerOf2(value));
    if (bad) return { field: where, reason: `QEMU refuses ${value}: ${accepts.powerOf2 ? 'a power of 2 ' : ''}from ${accepts.min} to ${accepts.max} (${accepts.source})` };
  }
  return value;
}
