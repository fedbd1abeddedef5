/**
 * The axes of a combination, once: the field a combination writes, the field a matrix writes
 * its value set under, and what values users may write. Error messages, the GraphQL enum and the
 * run views read this table instead of spelling the axes out again.
 */
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, MODES, STRATEGIES, TRANSPORT_NAMES } from './catalog';
import { HYPERVISORS } from './profiles/qemu/hypervisors';

/**
 * The coordinates of a matrix position, outermost first (strategy fastest): `MatrixPlan` numbers
 * cells in this mixed-radix order. DEVICE and CONFIG are one coordinate, the device variant (a
 * device with one choice of config values), because config fields belong to devices.
 */
export const PLAN_COORDINATES = ['arch', 'transport', 'deviceVariant', 'mode', 'backend', 'hypervisor', 'kernel', 'strategy'] as const;
export type PlanCoordinate = (typeof PLAN_COORDINATES)[number];

export interface Axis {
  /** The combination field, also a cell filter's: `{"arch": "s390x"}`. */
  field: 'arch' | 'transport' | 'device' | 'mode' | 'backend' | 'hypervisor' | 'kernel' | 'strategy' | 'config';
  /** The matrix field holding the axis's value set: `{"archs": ["s390x"]}`. */
  specField: 'archs' | 'transports' | 'devices' | 'modes' | 'backends' | 'hypervisors' | 'kernels' | 'strategies' | 'config';
  /** The GraphQL `Axis` enum value. */
  enumValue: 'ARCH' | 'TRANSPORT' | 'DEVICE' | 'MODE' | 'BACKEND' | 'HYPERVISOR' | 'KERNEL' | 'STRATEGY' | 'CONFIG';
  /** Which coordinate of a matrix position holds it: an index into PLAN_COORDINATES. */
  planIndex: number;
  /** The values a user may write, when they are a closed list. */
  values?: readonly string[];
  /** What a value looks like, when the values are open (kernels, config). */
  shape?: string;
}

const at = (coordinate: PlanCoordinate) => PLAN_COORDINATES.indexOf(coordinate);

/** In the order the API lists them (the GraphQL enum and cell filter). */
export const AXES: readonly Axis[] = [
  { field: 'arch', specField: 'archs', enumValue: 'ARCH', planIndex: at('arch'), values: ARCH_NAMES },
  { field: 'transport', specField: 'transports', enumValue: 'TRANSPORT', planIndex: at('transport'), values: TRANSPORT_NAMES },
  { field: 'device', specField: 'devices', enumValue: 'DEVICE', planIndex: at('deviceVariant'), values: DEVICE_NAMES },
  { field: 'mode', specField: 'modes', enumValue: 'MODE', planIndex: at('mode'), values: MODES },
  { field: 'backend', specField: 'backends', enumValue: 'BACKEND', planIndex: at('backend'), values: BACKENDS },
  { field: 'hypervisor', specField: 'hypervisors', enumValue: 'HYPERVISOR', planIndex: at('hypervisor'), values: HYPERVISORS.map((h) => h.name) },
  { field: 'kernel', specField: 'kernels', enumValue: 'KERNEL', planIndex: at('kernel'), shape: 'a Linux version (e.g. 4.10, 5.15-rc5, 5.14.14), or BASE+ID to apply a proposed patch' },
  { field: 'strategy', specField: 'strategies', enumValue: 'STRATEGY', planIndex: at('strategy'), values: STRATEGIES },
  {
    field: 'config', specField: 'config', enumValue: 'CONFIG', planIndex: at('deviceVariant'),
    shape: 'device config values by Linux field name (e.g. {"blk_size": 4096}); on an axis written "blk_size=4096"',
  },
];

export type AxisName = Axis['enumValue'];

/** The plan coordinate of device variants, which DEVICE and CONFIG read. */
export const VARIANT_COORDINATE = at('deviceVariant');

/** An axis by its GraphQL enum value. */
export function axisNamed(name: AxisName): Axis {
  return AXES.find((a) => a.enumValue === name)!;
}

/** The axis a combination or matrix field names, if it is one. */
export function axisOf(field: string): Axis | undefined {
  return AXES.find((a) => a.field === field || a.specField === field);
}

/** What a user may write on an axis, for error messages: "one of: a, b, c" or the value's shape; `list` for a matrix's value set. */
export function expectedOn(axis: Axis, list = false): string {
  if (axis.values) return `${list ? 'a list of values from' : 'one of'}: ${axis.values.join(', ')}`;
  return list ? `a list of values, each ${axis.shape}` : axis.shape!;
}
