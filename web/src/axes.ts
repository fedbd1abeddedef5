/**
 * Matrix axes as the API names them (the Axis enum), their CellFilter keys, and the values a
 * run's matrix holds on each. The service's axis table is the source; this is its client view.
 */
export const AXES = ['ARCH', 'TRANSPORT', 'DEVICE', 'MODE', 'BACKEND', 'HYPERVISOR', 'KERNEL', 'STRATEGY', 'CONFIG'] as const;
export type Axis = (typeof AXES)[number];

/** CellFilter and Combination field of an axis: ARCH → arch. */
export function fieldOf(axis: Axis): Lowercase<Axis> {
  return axis.toLowerCase() as Lowercase<Axis>;
}

export interface MatrixAxes {
  archs: string[];
  transports: string[];
  devices: string[];
  modes: string[];
  backends: string[];
  hypervisors: string[];
  kernels: string[];
  strategies: string[];
  config: Record<string, unknown[]>;
}

export const MATRIX_AXES_FIELDS = 'archs transports devices modes backends hypervisors kernels strategies config';

/** The values a matrix has on an axis, written as filters and diffs take them (CONFIG: "blk_size=4096"). */
export function valuesOn(m: MatrixAxes, axis: Axis): string[] {
  switch (axis) {
    case 'ARCH': return m.archs;
    case 'TRANSPORT': return m.transports;
    case 'DEVICE': return m.devices;
    case 'MODE': return m.modes;
    case 'BACKEND': return m.backends;
    case 'HYPERVISOR': return m.hypervisors;
    case 'KERNEL': return m.kernels;
    case 'STRATEGY': return m.strategies;
    case 'CONFIG': return Object.entries(m.config).flatMap(([field, values]) => values.map((v) => `${field}=${String(v)}`));
  }
}

export interface Combination {
  arch: string;
  transport: string;
  device: string;
  mode: string;
  backend: string;
  hypervisor: string;
  kernel: string;
  strategy: string;
  config: Record<string, unknown>;
  pageSize: number | null;
}

export const COMBINATION_FIELDS = 'arch transport device mode backend hypervisor kernel strategy config pageSize';

/** A combination in one line, as the CLI's explain prints it, leaving out the axis a table already shows. */
export function describe(c: Combination, without?: Axis): string {
  const config = Object.entries(c.config).map(([k, v]) => `${k}=${String(v)}`).join(',');
  const parts: [Axis, string][] = [
    ['ARCH', c.arch], ['TRANSPORT', c.transport], ['DEVICE', c.device], ['MODE', c.mode], ['BACKEND', c.backend],
    ['HYPERVISOR', c.hypervisor], ['KERNEL', `Linux ${c.kernel}`], ['STRATEGY', c.strategy], ['CONFIG', config],
  ];
  return parts.filter(([a, v]) => a !== without && v !== '').map(([, v]) => v).join(' · ');
}
