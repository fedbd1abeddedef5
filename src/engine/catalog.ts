/**
 * Name lookups over the profile data: feature names to bits per device, config fields by name.
 * Built once at module load; everything else asks here instead of scanning profile arrays.
 */
import { ARCHS } from './profiles/archs';
import { TRANSPORT_FEATURES } from './profiles/common-features';
import { DEVICES } from './profiles/devices';
import { TRANSPORTS } from './profiles/transports';
import type { ArchName, BackendName, ConfigField, DeviceMode, DeviceName, DeviceProfile, StrategyName, TransportName } from './profiles/types';

export const ARCH_NAMES = Object.keys(ARCHS) as ArchName[];
export const TRANSPORT_NAMES = Object.keys(TRANSPORTS) as TransportName[];
export const DEVICE_NAMES = Object.keys(DEVICES) as DeviceName[];
export const MODES: readonly DeviceMode[] = ['legacy', 'transitional', 'modern'];
export const BACKENDS: readonly BackendName[] = ['qemu', 'vhost-user'];
export const STRATEGIES: readonly StrategyName[] = ['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all'];

/** Feature name → bit for one device: its own bits plus the transport range. */
const featureBits = new Map<DeviceName, ReadonlyMap<string, number>>();
const bitNames = new Map<DeviceName, readonly (string | undefined)[]>();
for (const device of Object.values(DEVICES)) {
  const byName = new Map<string, number>();
  const byBit: (string | undefined)[] = new Array(64);
  for (const f of [...device.features, ...TRANSPORT_FEATURES]) {
    byName.set(f.name, f.bit);
    byBit[f.bit] = f.name;
  }
  featureBits.set(device.name, byName);
  bitNames.set(device.name, byBit);
}

export function featureBit(device: DeviceName, name: string): number | undefined {
  return featureBits.get(device)!.get(name);
}

/** Bit → Linux name for a device, `bit N` where neither the device nor the transport names it. */
export function featureName(device: DeviceName, bit: number): string {
  return bitNames.get(device)![bit] ?? `bit ${bit}`;
}

/** Like `featureBit`, for names the profile data itself uses: a typo there is a bug, not input. */
export function requireFeatureBit(device: DeviceName, name: string): number {
  const bit = featureBit(device, name);
  if (bit === undefined) throw new Error(`profile data names unknown feature ${name} for device ${device}`);
  return bit;
}

export function configField(device: DeviceProfile, name: string): ConfigField | undefined {
  return device.config.find((f) => f.name === name);
}

export function requireConfigField(device: DeviceProfile, name: string): ConfigField {
  const field = configField(device, name);
  if (!field) throw new Error(`profile data names unknown config field ${name} for device ${device.name}`);
  return field;
}
