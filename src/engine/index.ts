/** Public surface of the pure engine: adapters (CLI, store, API) import from here only. */
export { evaluate, evaluateResolved, type EvaluateOptions } from './evaluate';
export { problemsOf, resolveCombination, type ResolveOptions } from './resolve';
export { createPatchRegistry, isBuiltInId, isProposed, splitApplied, PatchDefinitionError, EMPTY_REGISTRY, type PatchRegistry, type DefinitionKind } from './patch-registry';
export { QEMU_CHANGES } from './profiles/qemu/changes';
export { kernelPatchSchema, qemuChangeSchema, parseKernelPatch, parseQemuChange, DefinitionError, SCHEMA_VERSION } from './profiles/schema';
export { combinationSchema, parseCombination, InvalidCombinationError, type Combination, type CombinationInput } from './combination';
export type { Cell, ResolvedCell } from './cell';
export type { Outcome, ConfigRead, TraceStep } from './outcome';
export { Simulator } from './sim/simulator';
export { VERDICTS, type Verdict, type VerdictCode } from './sim/verdict';
export { ARCH_NAMES, TRANSPORT_NAMES, DEVICE_NAMES, MODES, BACKENDS, STRATEGIES, featureBit } from './catalog';
export { HYPERVISORS } from './profiles/qemu/hypervisors';
export { KERNEL_PATCHES } from './profiles/linux/patches';
export { MatrixPlan, matrixPositions, matrixSpecSchema, configKey, type MatrixSpec, type MatrixSpecInput, type PlannedCell } from './matrix';
export { COMBINATION_CHECKS, type CombinationCheck, type Invalid } from './validity';
export { AXES, PLAN_COORDINATES, VARIANT_COORDINATE, axisNamed, type Axis, type AxisName } from './axes';
export { firstRegression, type FirstRegression, type OrderedAxis, type Responsible } from './regression';
export {
  ChunkVerdicts, GridShape, SKIPPED, TRANSITIONS, allPairsAlongAxis, allPairsBetweenGrids, cellPage, countCells, compareGrids, diffAlongAxis, pairsPage, transitionOf,
  type Checkpoint, type DiffColumns, type DiffPair, type DiffResult, type Transition,
} from './grid';
export { NOTABLE_KERNELS } from './profiles/linux/notable';
export { ALL_PROFILES } from './profiles';
export { sourceChanges } from './kernel';
export { parseKernelVersion, compareKernelVersions, type KernelVersion } from './profiles/linux/versions';
