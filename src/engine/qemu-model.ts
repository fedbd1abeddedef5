/**
 * What a hypervisor's QEMU changes add up to, read in order (a later change wins): which devices
 * may be legacy, what a device model offers by default, how config byte order is chosen.
 */
import type { DeviceName, DeviceProfile, HypervisorProfile } from './profiles/types';

/** In `virtio_legacy_allowed()` on this hypervisor: the device's own answer, as changes amend it. */
export function legacyAllowedOn(h: HypervisorProfile, device: DeviceProfile): boolean {
  let allowed = device.legacyAllowed;
  for (const c of h.changes) {
    if (c.legacyAllowed?.add?.includes(device.name)) allowed = true;
    if (c.legacyAllowed?.remove?.includes(device.name)) allowed = false;
  }
  return allowed;
}

/** The model's default offer after the changes' `offers` for this device. */
export function offersOn(h: HypervisorProfile, device: DeviceName, offers: readonly string[]): string[] {
  let out = [...offers];
  for (const c of h.changes) {
    for (const o of c.offers ?? []) {
      if (o.device !== device) continue;
      out = [...out.filter((f) => !(o.remove ?? []).includes(f)), ...(o.add ?? []).filter((f) => !out.includes(f))];
    }
  }
  return out;
}

/** Config little endian on every modern-interface access (the spec's rule), rather than from guest_features. */
export function modernConfigLittleEndian(h: HypervisorProfile): boolean {
  let rule: 'guestFeatures' | 'modernInterface' = 'guestFeatures';
  for (const c of h.changes) if (c.configByteOrder) rule = c.configByteOrder;
  return rule === 'modernInterface';
}
