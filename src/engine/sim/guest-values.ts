import { requireConfigField, requireFeatureBit } from '../catalog';
import type { DeviceProfile, GuestValue } from '../profiles/types';

/** A device's guest values compiled against its layout, once per device. */
export interface CompiledGuestValue {
  value: GuestValue;
  fieldIndex: number;
  featureBit: number;
}

const cache = new Map<DeviceProfile, readonly CompiledGuestValue[]>();

export function guestValuesOf(device: DeviceProfile): readonly CompiledGuestValue[] {
  let compiled = cache.get(device);
  if (!compiled) {
    compiled = device.guestValues.map((value) => ({
      value,
      fieldIndex: device.config.indexOf(requireConfigField(device, value.field)),
      featureBit: requireFeatureBit(device.name, value.feature),
    }));
    cache.set(device, compiled);
  }
  return compiled;
}
