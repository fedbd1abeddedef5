/**
 * A matrix: a value set per axis, expanded into cells without ever holding them all. Cells are
 * numbered in the fixed mixed-radix order of `PLAN_COORDINATES` (axes.ts; strategy fastest), so
 * an index is a stable cell id within the
 * matrix and any index range is a shard. Validity is precomputed per axis pair from the same
 * checks single combinations use; skipped cells are counted with their reason, never errors.
 */
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { PLAN_COORDINATES, VARIANT_COORDINATE, type PlanCoordinate } from './axes';
import type { Cell, ConfigSource } from './cell';
import { InvalidCombinationError, shapeError, type Combination } from './combination';
import { deviceSetup, type ConfigInput, type DeviceSetup } from './device-setup';
import type { ByteOrder } from './byteorder';
import { emptyFeatures } from './features';
import type { CompiledDriver } from './kernel';
import { EMPTY_REGISTRY, hypervisorOf, kernelBuildOf, type KernelBuild, type PatchRegistry } from './patch-registry';
import { modernConfigLittleEndian } from './qemu-model';
import { HYPERVISORS_BY_NAME } from './profiles/qemu/hypervisors';
import { TRANSPORTS, type TransportMode } from './profiles/transports';
import type { ArchProfile, BackendName, DeviceMode, DeviceProfile, HypervisorProfile, StrategyName, TransportName } from './profiles/types';
import { driverForBuild, type ResolveOptions } from './resolve';
import { valueOn } from './lookup';
import {
  configSourceOf, driverProblem, firstProblem, hasQemuChange, inCheckOrder, modeProblem, pageSizeProblem, problemIn, transportProblem,
  type Invalid, type OrderedChecks,
} from './validity';

const nonEmpty = z.array(z.string()).min(1);

/** Where each coordinate sits in a position's coordinates. */
const [A, T, V, M, B, H, K, S] = (['arch', 'transport', 'deviceVariant', 'mode', 'backend', 'hypervisor', 'kernel', 'strategy'] as const).map((c) => PLAN_COORDINATES.indexOf(c));
// forEachCell checks a run of strategies once: the strategy must be the innermost coordinate.
if (S !== PLAN_COORDINATES.length - 1) throw new Error('matrix plans need the strategy as the innermost coordinate');

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

/** A cell the plan hands out: reused between callbacks, copy what you keep. */
export interface PlannedCell extends Cell {
  strategy: StrategyName;
  kernelText: string;
  variant: DeviceVariant;
}

/**
 * The object forEachCell reuses. Every field exists from construction, in one order, with a value
 * of its final kind: the simulator meets one hidden class with every field inside the object,
 * where a cell grown from `{}` passed through twenty and kept most fields in a separate array.
 */
class CellSlot implements PlannedCell {
  arch = null as unknown as ArchProfile;
  hostByteOrder: ByteOrder = 'little';
  transport: TransportName = 'pci';
  mode: DeviceMode = 'transitional';
  transportMode = null as unknown as TransportMode;
  device = null as unknown as DeviceProfile;
  variant = null as unknown as DeviceVariant;
  backend: BackendName = 'qemu';
  configSource: ConfigSource = 'qemu';
  hypervisor = null as unknown as HypervisorProfile;
  earlyModernDetect = false;
  modernConfigLittleEndian = false;
  kernelText = '';
  pageSize = 0;
  hostFeatures = emptyFeatures();
  modernView = emptyFeatures();
  configValues: readonly (number | Uint8Array)[] = [];
  driver = null as unknown as CompiledDriver;
  strategy: StrategyName = 'as-shipped';
}

function parseSpec(input: unknown): MatrixSpec {
  const parsed = matrixSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw shapeError(parsed.error.issues[0], input, '(matrix)', Object.keys(matrixSpecSchema.shape));
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
  const devices = spec.devices.map((d) => valueOn('device', d, 'devices'));
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

  /** Built on first use: a plan made to validate a matrix or to number its positions needs none of them. */
  private built: PlanTables | null = null;
  private readonly devices: DeviceProfile[];

  /** `options.patches`: the proposed kernel patches and QEMU changes that `BASE+ID` values may apply. */
  constructor(input: unknown, options: ResolveOptions = {}) {
    const spec = parseSpec(input);
    const registry = (this.patches = options.patches ?? EMPTY_REGISTRY);
    this.archs = spec.archs.map((a) => valueOn('arch', a, 'archs'));
    this.transports = spec.transports.map((t) => valueOn('transport', t, 'transports'));
    const devices = (this.devices = spec.devices.map((d) => valueOn('device', d, 'devices')));
    for (const field of Object.keys(spec.config)) {
      if (!devices.some((d) => d.config.some((f) => f.name === field))) {
        throw new InvalidCombinationError(`config.${field}`, `no device in this matrix has a config field "${field}"`);
      }
    }
    this.variants = devices.flatMap((d) => deviceVariants(d, spec.config));
    this.modes = spec.modes.map((m) => valueOn('mode', m, 'modes'));
    this.backends = spec.backends.map((b) => valueOn('backend', b, 'backends'));
    this.hypervisors = spec.hypervisors.map((name) => onAxis('hypervisors', () => hypervisorOf(name, registry)));
    this.kernels = spec.kernels.map((text) => onAxis('kernels', () => kernelBuildOf(text, registry)));
    this.strategies = spec.strategies.map((s) => valueOn('strategy', s, 'strategies'));
    this.radix = this.labels().map((values) => values.length);
    this.size = this.radix.reduce((a, b) => a * b, 1);
  }

  /** Builds what checking and filling cells needs now rather than at the first cell (a thread waiting for its first shard). */
  prepareCells(): void {
    void this.tables;
  }

  /** Per axis combination that decides a check or a cell field, precomputed from the same functions single combinations use. */
  private get tables(): PlanTables {
    return (this.built ??= this.buildTables());
  }

  private buildTables(): PlanTables {
    const [nA, nT, nV, nM, nB, nH, nK, nS] = this.radix;
    const { archs, transports, variants, modes, backends, hypervisors, kernels, strategies, devices, patches: registry } = this;
    const transportOk = table(nA * nT, (i) => transportProblem(archs[Math.floor(i / nT)], transports[i % nT]));
    const modeOk = table(nT * nM * nV * nH, (i) => {
      const h = i % nH, v = Math.floor(i / nH) % nV, m = Math.floor(i / (nH * nV)) % nM, t = Math.floor(i / (nH * nV * nM));
      return modeProblem(transports[t], modes[m], variants[v].device, hypervisors[h]);
    });
    const source = table(nV * nB * nH, (i) => {
      const h = i % nH, b = Math.floor(i / nH) % nB, v = Math.floor(i / (nH * nB));
      return configSourceOf(variants[v].device, backends[b], hypervisors[h]);
    });
    const nD = devices.length;
    const deviceOf = variants.map((v) => devices.indexOf(v.device));
    const driverOk = table(nK * nD, (i) => driverProblem(kernels[Math.floor(i / nD)].version, devices[i % nD]));
    // A plan's cells take their arch's default page size.
    const pageSizeOk = archs.map((a) => pageSizeProblem(a, a.defaultPageSize));
    /** Per (transport, mode): 1 for a modern interface, 0 without, -1 when the transport has no such mode. */
    const modernOf = table(nT * nM, (i) => {
      const spec = transports[Math.floor(i / nM)].modes[modes[i % nM]];
      return spec ? (spec.modernInterface ? 1 : 0) : -1;
    });
    const setups = table(nV * nT * 2 * nB * nH, (i) => {
      const h = i % nH, b = Math.floor(i / nH) % nB, modern = Math.floor(i / (nH * nB)) % 2 === 1;
      const t = Math.floor(i / (nH * nB * 2)) % nT, v = Math.floor(i / (nH * nB * 2 * nT));
      const variant = variants[v];
      const hypervisor = hypervisors[h];
      const make = () => deviceSetup(variant.device, transports[t], hypervisor, modern, variant.config, undefined, backends[b]);
      // A proposed QEMU change may alter offers, and its id may mean something else to another caller: not shared.
      if (HYPERVISORS_BY_NAME.get(hypervisor.name) !== hypervisor) return make();
      const key = `${variant.device.name}|${JSON.stringify(variant.config)}|${transports[t].name}|${modern}|${backends[b]}|${hypervisor.version}`;
      let setup = setupCache.get(key);
      if (!setup) setupCache.set(key, (setup = make()));
      return setup;
    });
    const setupAt = (c: readonly number[], modern: number) => setups[(((c[V] * nT + c[T]) * 2 + modern) * nB + c[B]) * nH + c[H]];
    const checks = inCheckOrder<readonly number[]>({
      transport: (c) => transportOk[c[A] * nT + c[T]],
      mode: (c) => modeOk[((c[T] * nM + c[M]) * nV + c[V]) * nH + c[H]],
      configSource: (c) => problemIn(source[(c[V] * nB + c[B]) * nH + c[H]]),
      driver: (c) => driverOk[c[K] * nD + deviceOf[c[V]]],
      pageSize: (c) => pageSizeOk[c[A]],
      deviceSetup: (c) => {
        const modern = modernOf[c[T] * nM + c[M]];
        // A mode the transport lacks is the mode check's problem: there is no device to set up.
        return modern < 0 ? null : problemIn(setupAt(c, modern));
      },
    });
    const drivers = table(nK * nS * nD, (i) => {
      const d = i % nD, s = Math.floor(i / nD) % nS, k = Math.floor(i / (nD * nS));
      return driverOk[k * nD + d] ? (undefined as unknown as CompiledDriver) : driverForBuild(kernels[k], registry, strategies[s], devices[d].name);
    });
    return {
      checks, source, modernOf, setupAt, deviceOf, nDevices: nD, drivers,
      earlyDetect: hypervisors.map((h) => hasQemuChange(h, 'earlyModernDetect')),
      modernLittleEndian: hypervisors.map(modernConfigLittleEndian),
    };
  }

  /**
   * Each coordinate's values as users write them, in plan order: what filters, diffs and run
   * comparisons match against. A device variant is `device|config key` (`blk|blk_size=4096`).
   */
  labels(): string[][] {
    const on: Record<PlanCoordinate, string[]> = {
      arch: this.archs.map((a) => a.name), transport: this.transports.map((t) => t.name),
      deviceVariant: this.variants.map((v) => `${v.device.name}|${configKey(v.config)}`), mode: [...this.modes],
      backend: [...this.backends], hypervisor: this.hypervisors.map((h) => h.name), kernel: this.kernels.map((k) => k.text), strategy: [...this.strategies],
    };
    return PLAN_COORDINATES.map((c) => on[c]);
  }

  /** The device variant at a cell index. */
  variantAt(index: number): DeviceVariant {
    return this.variants[this.coordsOf(index)[VARIANT_COORDINATE]];
  }

  /** Coordinates of a cell index, outermost axis first. */
  coordsOf(index: number, out: number[] = new Array(PLAN_COORDINATES.length)): number[] {
    for (let axis = PLAN_COORDINATES.length - 1; axis >= 0; axis--) {
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

  /** Why the cell at these coordinates does not exist (the first check it fails, in `COMBINATION_CHECKS` order), or null. */
  problemAt(c: readonly number[]): Invalid | null {
    return firstProblem(this.tables.checks, c);
  }

  /**
   * Visit every valid cell with index in [start, end), in index order. The cell object is reused
   * between calls. `skip` hears about invalid cells. Returns the number of valid cells visited.
   * Whether a cell exists does not depend on its strategy (the innermost coordinate): each run of
   * strategies is checked, and its cell filled, once.
   */
  forEachCell(start: number, end: number, visit: (cell: PlannedCell, index: number) => void, skip?: (index: number, problem: Invalid) => void): number {
    const { drivers, deviceOf, nDevices } = this.tables;
    const coords = this.coordsOf(start);
    const cell = new CellSlot();
    const nS = this.radix[S];
    const { strategies } = this;
    let visited = 0;
    for (let index = start, s = coords[S]; index < end; s = 0) {
      const runEnd = Math.min(end, index + nS - s);
      const problem = this.problemAt(coords);
      if (problem) {
        if (skip) for (let i = index; i < runEnd; i++) skip(i, problem);
      } else {
        this.fill(cell, coords);
        const driverAt = (coords[K] * nS) * nDevices + deviceOf[coords[V]];
        for (let i = index; i < runEnd; i++, s++) {
          cell.driver = drivers[driverAt + s * nDevices];
          cell.strategy = strategies[s];
          visit(cell, i);
        }
        visited += runEnd - index;
      }
      index = runEnd;
      // Odometer step over the coordinates outside the strategy, innermost fastest.
      for (let axis = S - 1; axis >= 0; axis--) {
        if (++coords[axis] < this.radix[axis]) break;
        coords[axis] = 0;
      }
    }
    return visited;
  }

  /** A valid cell's fields that do not depend on its strategy. */
  private fill(cell: PlannedCell, c: readonly number[]): void {
    const { source, modernOf, setupAt, earlyDetect, modernLittleEndian } = this.tables;
    const [nB, nH, nM] = [this.radix[B], this.radix[H], this.radix[M]];
    const transport = this.transports[c[T]];
    const mode = this.modes[c[M]];
    const variant = this.variants[c[V]];
    const setup = setupAt(c, modernOf[c[T] * nM + c[M]]) as DeviceSetup;
    cell.arch = this.archs[c[A]];
    cell.hostByteOrder = cell.arch.endian;
    cell.transport = transport.name;
    cell.mode = mode;
    cell.transportMode = transport.modes[mode]!;
    cell.device = variant.device;
    cell.variant = variant;
    cell.backend = this.backends[c[B]];
    cell.configSource = source[(c[V] * nB + c[B]) * nH + c[H]] as ConfigSource;
    cell.hypervisor = this.hypervisors[c[H]];
    cell.earlyModernDetect = earlyDetect[c[H]];
    cell.modernConfigLittleEndian = modernLittleEndian[c[H]];
    cell.kernelText = this.kernels[c[K]].text;
    cell.pageSize = cell.arch.defaultPageSize;
    cell.hostFeatures = setup.hostFeatures;
    cell.modernView = setup.modernView;
    cell.configValues = setup.configValues;
  }
}

/** What a plan precomputes to check and fill cells. */
interface PlanTables {
  /** The combination checks, answered by table lookups on a position's coordinates. */
  checks: OrderedChecks<readonly number[]>;
  source: (ConfigSource | Invalid)[];
  modernOf: number[];
  setupAt: (c: readonly number[], modern: number) => DeviceSetup | Invalid;
  /** Kernel drivers depend on the device, not its config values: tables per (kernel, strategy, device). */
  deviceOf: number[];
  nDevices: number;
  drivers: CompiledDriver[];
  earlyDetect: boolean[];
  modernLittleEndian: boolean[];
}

/** Device setups depend only on these inputs and never change: shared by every plan. */
const setupCache = new LRUCache<string, DeviceSetup | Invalid>({ max: 65_536 }); // bounded: config values come from callers

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
