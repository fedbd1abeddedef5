/**
 * Axis values as users write them → what the engine works with: one lookup and one wording for
 * an unknown value, whether it comes from a single combination (`arch`) or a matrix's value set
 * (`archs`). Kernels are parsed, not looked up: `kernelBuildOf` in the patch registry.
 */
import { axisOf, expectedOn } from './axes';
import { BACKENDS, MODES, STRATEGIES } from './catalog';
import { InvalidCombinationError } from './combination';
import { ARCHS } from './profiles/archs';
import { DEVICES } from './profiles/devices';
import { HYPERVISORS_BY_NAME } from './profiles/qemu/hypervisors';
import { TRANSPORTS, type TransportProfile } from './profiles/transports';
import type { ArchProfile, BackendName, DeviceMode, DeviceProfile, HypervisorProfile, StrategyName } from './profiles/types';

const itself = <T extends string>(values: readonly T[]) => new Map(values.map((v) => [v as string, v]));

const TABLES = {
  arch: new Map<string, ArchProfile>(Object.entries(ARCHS)),
  transport: new Map<string, TransportProfile>(Object.entries(TRANSPORTS)),
  device: new Map<string, DeviceProfile>(Object.entries(DEVICES)),
  mode: itself<DeviceMode>(MODES),
  backend: itself<BackendName>(BACKENDS),
  hypervisor: HYPERVISORS_BY_NAME as ReadonlyMap<string, HypervisorProfile>,
  strategy: itself<StrategyName>(STRATEGIES),
};

type Looked = typeof TABLES;
export type LookedUpField = keyof Looked;
type ValueOf<F extends LookedUpField> = Looked[F] extends ReadonlyMap<string, infer V> ? V : never;

/** The profile (or name) a value names on an axis; `as` is the field the user wrote it in (`archs` in a matrix). */
export function valueOn<F extends LookedUpField>(field: F, value: string, as: string = field): ValueOf<F> {
  const found = (TABLES[field] as ReadonlyMap<string, ValueOf<F>>).get(value);
  if (found === undefined) throw new InvalidCombinationError(as, `unknown ${field} "${value}"; expected ${expectedOn(axisOf(field)!)}`);
  return found;
}

/** The one wording for a kernel value that is no Linux version, in a combination or a matrix. */
export function notAKernel(text: string, as = 'kernel'): InvalidCombinationError {
  return new InvalidCombinationError(as, `"${text}" is not ${expectedOn(axisOf('kernel')!)}`);
}
