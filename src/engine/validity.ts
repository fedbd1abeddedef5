/**
 * Which combinations exist at all. Each check is a property of the profile data (ccw exists only
 * where the transport profile says so, QEMU refuses legacy modes for modern-only devices from
 * the release whose change says so, ...) and returns the problem as a value: single combinations
 * turn it into an error, matrices count it as a skipped cell.
 */
import type { ConfigSource } from './cell';
import { driverSince } from './kernel';
import { compareKernelVersions, type KernelVersion } from './profiles/linux/versions';
import { compareQemuVersions } from './profiles/qemu/hypervisors';
import { legacyAllowedOn } from './qemu-model';
import type { TransportProfile } from './profiles/transports';
import type { ArchProfile, BackendName, DeviceMode, DeviceProfile, HypervisorProfile } from './profiles/types';

export interface Invalid {
  field: string;
  reason: string;
}

export function hasQemuChange(h: HypervisorProfile, effect: HypervisorProfile['changes'][number]['effect']): boolean {
  return h.changes.some((c) => c.effect === effect);
}

export function transportProblem(arch: ArchProfile, transport: TransportProfile): Invalid | null {
  if (transport.archs && !transport.archs.includes(arch.name)) {
    return { field: 'transport', reason: `${transport.name} exists only on ${transport.archs.join(', ')}, not on ${arch.name}` };
  }
  return null;
}

export function modeProblem(transport: TransportProfile, mode: DeviceMode, device: DeviceProfile, h: HypervisorProfile): Invalid | null {
  const spec = transport.modes[mode];
  if (!spec) return { field: 'mode', reason: `${transport.name} has no ${mode} mode (the transport picks one interface)` };
  if (spec.legacyInterface && !legacyAllowedOn(h, device) && transport.enforcesLegacyAllowed && hasQemuChange(h, 'enforceLegacyAllowed')) {
    return { field: 'mode', reason: `${h.name} refuses ${mode} ${device.name}: not in virtio_legacy_allowed(), the device is modern-only` };
  }
  return null;
}

/** Who fills config for this device and backend on this QEMU, or why that combination does not exist. */
export function configSourceOf(device: DeviceProfile, backend: BackendName, h: HypervisorProfile): ConfigSource | Invalid {
  if (backend === 'qemu') {
    if (device.qemuModelSince === undefined) return { field: 'backend', reason: `QEMU has no ${device.name} device model of its own; use vhost-user` };
    if (compareQemuVersions(h.version, device.qemuModelSince) < 0) {
      return { field: 'hypervisor', reason: `${h.name} has no ${device.name} device model (first in QEMU ${device.qemuModelSince})` };
    }
    return device.config.length === 0 ? 'none' : 'qemu';
  }
  const vu = device.vhostUser;
  if (!vu) return { field: 'backend', reason: `QEMU has no vhost-user front end for ${device.name}` };
  if (compareQemuVersions(h.version, vu.since) < 0) return { field: 'hypervisor', reason: `${h.name} has no vhost-user ${device.name} (first in QEMU ${vu.since})` };
  return vu.config;
}

export function driverProblem(kernel: KernelVersion, device: DeviceProfile): Invalid | null {
  const since = driverSince(device.name);
  if (compareKernelVersions(kernel, since) < 0) {
    return { field: 'kernel', reason: `Linux ${kernel.text} has no ${device.linuxDriver} driver (first in ${since.text})` };
  }
  return null;
}

export function pageSizeProblem(arch: ArchProfile, pageSize: number): Invalid | null {
  if (arch.pageSizes.includes(pageSize)) return null;
  return { field: 'pageSize', reason: `${arch.name} supports page sizes ${arch.pageSizes.join(', ')}, not ${pageSize}` };
}

/**
 * The checks a combination must pass, in the order they are asked: a combination with several
 * problems is refused for the first one, by `resolveCombination` and by a matrix alike. The device
 * setup comes last: it needs the transport's mode, and what a device offers presumes it exists.
 */
export const COMBINATION_CHECKS = ['transport', 'mode', 'configSource', 'driver', 'pageSize', 'deviceSetup'] as const;
export type CombinationCheck = (typeof COMBINATION_CHECKS)[number];

/**
 * How a caller answers each check for its kind of combination `C`: values in hand (resolve) or a
 * plan's coordinates over precomputed tables (matrix).
 */
export type CheckAnswers<C> = Readonly<Record<CombinationCheck, (c: C) => Invalid | null>>;

/** A caller's answers in check order: built once per caller, walked per combination by `firstProblem`. */
export type OrderedChecks<C> = readonly ((c: C) => Invalid | null)[];

export function inCheckOrder<C>(answers: CheckAnswers<C>): OrderedChecks<C> {
  return COMBINATION_CHECKS.map((check) => answers[check]);
}

/** The problem of the first check a combination fails, or null when it exists. */
export function firstProblem<C>(checks: OrderedChecks<C>, c: C): Invalid | null {
  for (let i = 0; i < checks.length; i++) {
    const problem = checks[i](c);
    if (problem) return problem;
  }
  return null;
}

/** The problem in a value that is either a result or an Invalid. */
export function problemIn(x: unknown): Invalid | null {
  return isInvalid(x) ? x : null;
}

export function isInvalid(x: unknown): x is Invalid {
  return typeof x === 'object' && x !== null && 'reason' in x && 'field' in x;
}
