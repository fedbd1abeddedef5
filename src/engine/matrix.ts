/**
 * A matrix: a value set per axis, expanded into cells without ever holding them all. Cells are
 * numbered in a fixed mixed-radix order (arch, transport, device variant, mode, backend,
 * hypervisor, kernel, strategy; strategy fastest), so an index is a stable cell id within the
 * matrix and any index range is a shard. Validity is precomputed per axis pair from the same
 * checks single combinations use; skipped cells are counted with their reason, never errors.
 */
import { z } from 'zod';
import { ARCH_NAMES, BACKENDS, DEVICE_NAMES, MODES, STRATEGIES, TRANSPORT_NAMES, isOneOf } from './catalog';
import type { Cell, ConfigSource } from './cell';
import { InvalidCombinationError, type Combination } from './combination';
import { deviceSetup, isInvalid, type ConfigInput, type DeviceSetup } from './device-setup';
import type { CompiledDriver } from './kernel';
import { ARCHS } from './profiles/archs';
import { DEVICES } from './profiles/devices';
import { EMPTY_REGISTRY, hypervisorOf, kernelBuildOf, type KernelBuild, type PatchRegistry } from './patch-registry';
import { HYPERVISORS_BY_NAME } from './profiles/qemu/hypervisors';
import { modernConfigLittleEndian } from './qemu-model';
import { TRANSPORTS } from './profiles/transports';
import type { ArchProfile, BackendName, DeviceMode, DeviceProfile, HypervisorProfile, StrategyName } from './profiles/types';
import { driverForBuild, type ResolveOptions } from './resolve';
import { configSourceOf, driverProblem, hasQemuChange, modeProblem, transportProblem, type Invalid } from './validity';

const nonEmpty = z.array(z.string()).min(1);

/** A matrix's value sets, as users write them. */
export const matrixSpecSchema = z
  .object({
    archs: nonEmpty,
    transports: nonEmpty,
    devices: nonEmpty,
    modes: nonEmpty,
    backends: nonEmpty.default(['qemu']),
    hypervisors: nonEmpty,
    kernels: nonEmpty,
    strategies: nonEmpty.default(['as-shipped']),
    /** Values per config field; each device takes the cross product of the fields it has. */
    config: z.record(z.string(), z.array(z.union([z.number(), z.string()])).min(1)).default({}),
  })
  .strict();

export type MatrixSpecInput = z.input<typeof matrixSpecSchema>;
export type MatrixSpec = z.output<typeof matrixSpecSchema>;

/** A device with one choice of config values: one entry of the device-variant axis. */
export interface DeviceVariant {
  device: DeviceProfile;
  config: ConfigInput;
}

/** A config variant as users write it on the CONFIG axis: `blk_size=4096`, fields joined by `,`; '' for defaults. */
export function configKey(config: ConfigInput): string {
  return Object.entries(config).map(([field, value]) => `${field}=${value}`).join(',');
}

/** Axis positions of one cell; `AXES[i]` names coordinate i. */
export const AXES = ['arch', 'transport', 'deviceVariant', 'mode', 'backend', 'hypervisor', 'kernel', 'strategy'] as const;

/** A cell the plan hands out: reused between callbacks, copy what you keep. */
export interface PlannedCell extends Cell {
  strategy: StrategyName;
  kernelText: string;
  variant: DeviceVariant;
}

function parseSpec(input: unknown): MatrixSpec {
  const parsed = matrixSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidCombinationError(issue.path.join('.') || '(matrix)', issue.message);
}

function checkNames<T extends string>(field: string, known: readonly T[], values: readonly string[]): T[] {
  for (const v of values) if (!isOneOf(known, v)) throw new InvalidCombinationError(field, `unknown value "${v}"; expected any of: ${known.join(', ')}`);
  return values as T[];
}

/** The config fields of a matrix that a device has, in the matrix's order. */
function fieldsOf(device: DeviceProfile, config: MatrixSpec['config']): [string, (number | string)[]][] {
  return Object.entries(config).filter(([field]) => device.config.some((f) => f.name === field));
}

/** Cross product of the config fields a device has; one empty variant when it has none. */
function deviceVariants(device: DeviceProfile, config: MatrixSpec['config']): DeviceVariant[] {
  let variants: Record<string, number | string>[] = [{}];
  for (const [field, values] of fieldsOf(device, config)) {
    variants = variants.flatMap((v) => values.map((value) => ({ ...v, [field]: value })));
  }
  return variants.map((c) => ({ device, config: c }));
}

/**
 * Positions of a matrix (MatrixPlan's `size`), counted from the value sets without expanding
 * anything, so a matrix too large to plan can be refused first. Beyond 2^53 the count is no longer
 * exact, but still larger than any limit.
 */
export function matrixPositions(input: unknown): number {
  const spec = parseSpec(input);
  const devices = checkNames('devices', DEVICE_NAMES, spec.devices).map((d) => DEVICES[d]);
  const variants = devices.reduce((n, d) => n + fieldsOf(d, spec.config).reduce((m, [, values]) => m * values.length, 1), 0);
  const { archs, transports, modes, backends, hypervisors, kernels, strategies } = spec;
  return [archs, transports, modes, backends, hypervisors, kernels, strategies].reduce((n, values) => n * values.length, variants);
}

export class MatrixPlan {
  readonly archs: ArchProfile[];
  readonly transports: (typeof TRANSPORTS)[keyof typeof TRANSPORTS][];
  readonly variants: DeviceVariant[];
  readonly modes: DeviceMode[];
  readonly backends: BackendName[];
  readonly hypervisors: HypervisorProfile[];
  /** Releases, each with the proposed patches its value applies (`5.13+ID`). */
  readonly kernels: KernelBuild[];
  readonly strategies: StrategyName[];
  /** The proposed patches and QEMU changes its values may apply: re-evaluating one of its cells needs them. */
  readonly patches: PatchRegistry;
  /** Length of each axis, outermost first. */
  readonly radix: number[];
  /** Number of cell positions, valid or not. */
  readonly size: number;

  // Precomputed per axis combination that decides it; null = fine.
  private readonly transportOk: (Invalid | null)[];
  private readonly modeOk: (Invalid | null)[];
  private readonly source: (ConfigSource | Invalid)[];
  /** Kernel drivers depend on the device, not its config values: tables per (kernel, device). */
  private readonly deviceOf: number[];
  private readonly nDevices: number;
  private readonly driverOk: (Invalid | null)[];
  private readonly setups: (DeviceSetup | Invalid)[];
  private readonly drivers: CompiledDriver[];
  private readonly earlyDetect: boolean[];
  private readonly modernLittleEndian: boolean[];

  /** `options.patches`: the proposed kernel patches and QEMU changes that `BASE+ID` values may apply. */
  constructor(input: unknown, options: ResolveOptions = {}) {
    const spec = parseSpec(input);
    const registry = (this.patches = options.patches ?? EMPTY_REGISTRY);
    this.archs = checkNames('archs', ARCH_NAMES, spec.archs).map((a) => ARCHS[a]);
    this.transports = checkNames('transports', TRANSPORT_NAMES, spec.transports).map((t) => TRANSPORTS[t]);
    const devices = checkNames('devices', DEVICE_NAMES, spec.devices).map((d) => DEVICES[d]);
    for (const field of Object.keys(spec.config)) {
      if (!devices.some((d) => d.config.some((f) => f.name === field))) {
        throw new InvalidCombinationError(`config.${field}`, `no device in this matrix has a config field "${field}"`);
      }
    }
    this.variants = devices.flatMap((d) => deviceVariants(d, spec.config));
    this.modes = checkNames('modes', MODES, spec.modes);
    this.backends = checkNames('backends', BACKENDS, spec.backends);
    this.hypervisors = spec.hypervisors.map((name) => onAxis('hypervisors', () => hypervisorOf(name, registry)));
    this.kernels = spec.kernels.map((text) => onAxis('kernels', () => kernelBuildOf(text, registry)));
    this.strategies = checkNames('strategies', STRATEGIES, spec.strategies);
    this.radix = [this.archs, this.transports, this.variants, this.modes, this.backends, this.hypervisors, this.kernels, this.strategies].map((a) => a.length);
    this.size = this.radix.reduce((a, b) => a * b, 1);

    const [nA, nT, nV, nM, nB, nH, nK, nS] = this.radix;
    this.transportOk = table(nA * nT, (i) => transportProblem(this.archs[Math.floor(i / nT)], this.transports[i % nT]));
    this.modeOk = table(nT * nM * nV * nH, (i) => {
      const h = i % nH, v = Math.floor(i / nH) % nV, m = Math.floor(i / (nH * nV)) % nM, t = Math.floor(i / (nH * nV * nM));
      return modeProblem(this.transports[t], this.modes[m], this.variants[v].device, this.hypervisors[h]);
    });
    this.source = table(nV * nB * nH, (i) => {
      const h = i % nH, b = Math.floor(i / nH) % nB, v = Math.floor(i / (nH * nB));
      return configSourceOf(this.variants[v].device, this.backends[b], this.hypervisors[h]);
    });
    const nD = (this.nDevices = devices.length);
    this.deviceOf = this.variants.map((v) => devices.indexOf(v.device));
    this.driverOk = table(nK * nD, (i) => driverProblem(this.kernels[Math.floor(i / nD)].version, devices[i % nD]));
    this.setups = table(nV * nT * 2 * nB * nH, (i) => {
      const h = i % nH, b = Math.floor(i / nH) % nB, modern = Math.floor(i / (nH * nB)) % 2 === 1;
      const t = Math.floor(i / (nH * nB * 2)) % nT, v = Math.floor(i / (nH * nB * 2 * nT));
      const variant = this.variants[v];
      const hypervisor = this.hypervisors[h];
      const make = () => deviceSetup(variant.device, this.transports[t], hypervisor, modern, variant.config, undefined, this.backends[b]);
      // A proposed QEMU change may alter offers, and its id may mean something else to another caller: not shared.
      if (HYPERVISORS_BY_NAME.get(hypervisor.name) !== hypervisor) return make();
      const key = `${variant.device.name}|${JSON.stringify(variant.config)}|${this.transports[t].name}|${modern}|${this.backends[b]}|${hypervisor.version}`;
      let setup = setupCache.get(key);
      if (!setup) setupCache.set(key, (setup = make()));
      return setup;
    });
    this.drivers = table(nK * nS * nD, (i) => {
      const d = i % nD, s = Math.floor(i / nD) % nS, k = Math.floor(i / (nD * nS));
      return this.driverOk[k * nD + d] ? (undefined as unknown as CompiledDriver) : driverForBuild(this.kernels[k], registry, this.strategies[s], devices[d].name);
    });
    this.earlyDetect = this.hypervisors.map((h) => hasQemuChange(h, 'earlyModernDetect'));
    this.modernLittleEndian = this.hypervisors.map(modernConfigLittleEndian);
  }

  private driverProblemAt(k: number, v: number): Invalid | null {
    return this.driverOk[k * this.nDevices + this.deviceOf[v]];
  }

  /** Coordinates of a cell index, outermost axis first. */
  coordsOf(index: number, out: number[] = new Array(AXES.length)): number[] {
    for (let axis = AXES.length - 1; axis >= 0; axis--) {
      out[axis] = index % this.radix[axis];
      index = Math.floor(index / this.radix[axis]);
    }
    return out;
  }

  /** The user-facing combination at an index (allocates; for results and traces, not the hot path). */
  combinationAt(index: number): Combination {
    const [a, t, v, m, b, h, k, s] = this.coordsOf(index);
    return {
      arch: this.archs[a].name, transport: this.transports[t].name, device: this.variants[v].device.name, mode: this.modes[m],
      backend: this.backends[b], hypervisor: this.hypervisors[h].name, kernel: this.kernels[k].text, strategy: this.strategies[s],
      config: { ...this.variants[v].config }, pageSize: this.archs[a].defaultPageSize,
    };
  }

  /** Why the cell at these coordinates does not exist, or null. */
  problemAt(c: readonly number[]): Invalid | null {
    const [a, t, v, m, b, h, k] = c;
    const [, nT, nV, , nB, nH] = this.radix;
    const problem = this.transportOk[a * nT + t] ?? this.modeOk[((t * this.radix[3] + m) * nV + v) * nH + h];
    if (problem) return problem;
    const source = this.source[(v * nB + b) * nH + h];
    if (isInvalid(source)) return source;
    const driver = this.driverProblemAt(k, v);
    if (driver) return driver;
    const setup = this.setups[this.setupIndex(v, t, this.transports[t].modes[this.modes[m]]!.modernInterface, b, h)];
    return isInvalid(setup) ? setup : null;
  }

  private setupIndex(v: number, t: number, modern: boolean, b: number, h: number): number {
    const [, nT, , , nB, nH] = this.radix;
    return (((v * nT + t) * 2 + (modern ? 1 : 0)) * nB + b) * nH + h;
  }

  /**
   * Visit every valid cell with index in [start, end), in index order. The cell object is reused
   * between calls. `skip` hears about invalid cells. Returns the number of valid cells visited.
   */
  forEachCell(start: number, end: number, visit: (cell: PlannedCell, index: number) => void, skip?: (index: number, problem: Invalid) => void): number {
    const coords = this.coordsOf(start);
    const cell = {} as PlannedCell;
    const [, , , , nB, , , nS] = this.radix;
    const { deviceOf, nDevices, drivers } = this;
    let visited = 0;
    for (let index = start; index < end; index++) {
      const problem = this.problemAt(coords);
      if (problem) {
        if (skip) skip(index, problem);
      } else {
        const [a, t, v, m, b, h, k, s] = coords;
        const transport = this.transports[t];
        const transportMode = transport.modes[this.modes[m]]!;
        const variant = this.variants[v];
        const setup = this.setups[this.setupIndex(v, t, transportMode.modernInterface, b, h)] as DeviceSetup;
        cell.arch = this.archs[a];
        cell.hostByteOrder = cell.arch.endian;
        cell.transport = transport.name;
        cell.mode = this.modes[m];
        cell.transportMode = transportMode;
        cell.device = variant.device;
        cell.variant = variant;
        cell.backend = this.backends[b];
        cell.configSource = this.source[(v * nB + b) * this.radix[5] + h] as ConfigSource;
        cell.hypervisor = this.hypervisors[h];
        cell.earlyModernDetect = this.earlyDetect[h];
        cell.modernConfigLittleEndian = this.modernLittleEndian[h];
        cell.driver = drivers[(k * nS + s) * nDevices + deviceOf[v]];
        cell.strategy = this.strategies[s];
        cell.kernelText = this.kernels[k].text;
        cell.pageSize = cell.arch.defaultPageSize;
        cell.hostFeatures = setup.hostFeatures;
        cell.modernView = setup.modernView;
        cell.configValues = setup.configValues;
        visit(cell, index);
        visited++;
      }
      // Odometer step, innermost axis fastest.
      for (let axis = AXES.length - 1; axis >= 0; axis--) {
        if (++coords[axis] < this.radix[axis]) break;
        coords[axis] = 0;
      }
    }
    return visited;
  }
}

/** Device setups depend only on these inputs and never change: shared by every plan. */
const setupCache = new Map<string, DeviceSetup | Invalid>();

/** A value's error, named by the matrix axis it sits on. */
function onAxis<T>(field: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof InvalidCombinationError) throw new InvalidCombinationError(field, err.reason);
    throw err;
  }
}

function table<T>(n: number, f: (i: number) => T): T[] {
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}
