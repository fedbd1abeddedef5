/**
 * The axes of a combination, once: the field a combination writes, the field a matrix writes
 * its value set under, and what values users may write. Error messages, the GraphQL enum and the
 * run views read this table instead of spelling the axes out again.
 */
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, MODES, STRATEGIES, TRANSPORT_NAMES } from './catalog';
import { HYPERVISORS } from './profiles/qemu/hypervisors';

export interface Axis {
  /** The combination field: `{"arch": "s390x"}`. */
  field: 'arch' | 'transport' | 'device' | 'mode' | 'backend' | 'hypervisor' | 'kernel' | 'strategy' | 'config';
  /** The matrix field holding the axis's value set: `{"archs": ["s390x"]}`. */
  specField: 'archs' | 'transports' | 'devices' | 'modes' | 'backends' | 'hypervisors' | 'kernels' | 'strategies' | 'config';
  /** The values a user may write, when they are a closed list. */
  values?: readonly string[];
  /** What a value looks like, when the values are open (kernels, config). */
  shape?: string;
}

export const AXES: readonly Axis[] = [
  { field: 'arch', specField: 'archs', values: ARCH_NAMES },
  { field: 'transport', specField: 'transports', values: TRANSPORT_NAMES },
  { field: 'device', specField: 'devices', values: DEVICE_NAMES },
  { field: 'mode', specField: 'modes', values: MODES },
  { field: 'backend', specField: 'backends', values: BACKENDS },
  { field: 'hypervisor', specField: 'hypervisors', values: HYPERVISORS.map((h) => h.name) },
  { field: 'kernel', specField: 'kernels', shape: 'a Linux version (e.g. 4.10, 5.15-rc5, 5.14.14)' },
  { field: 'strategy', specField: 'strategies', values: STRATEGIES },
  { field: 'config', specField: 'config', shape: 'device config values by Linux field name (e.g. {"blk_size": 4096})' },
];

/** The axis a combination or matrix field names, if it is one. */
export function axisOf(field: string): Axis | undefined {
  return AXES.find((a) => a.field === field || a.specField === field);
}

/** What a user may write on an axis, for error messages: "one of: a, b, c" or the value's shape; `list` for a matrix's value set. */
export function expectedOn(axis: Axis, list = false): string {
  if (axis.values) return `${list ? 'a list of values from' : 'one of'}: ${axis.values.join(', ')}`;
  return list ? `a list of values, each ${axis.shape}` : axis.shape!;
}
