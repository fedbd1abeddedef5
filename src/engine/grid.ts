/**
 * A run's verdicts as one byte per matrix position (index order of `MatrixPlan`), and the
 * queries that walk it: filtered cell pages, diffs along one axis, comparisons between runs.
 * Pure and allocation-light, so the service can answer from a precomputed grid in milliseconds
 * instead of scanning result rows.
 */
import type { VerdictCode } from './sim/verdict';

/** Marks a position whose combination does not exist (skipped, not evaluated). */
export const SKIPPED = 255;

export type Transition = 'REGRESSION' | 'FIX' | 'CHANGE';
export const TRANSITIONS: readonly Transition[] = ['REGRESSION', 'FIX', 'CHANGE'];

/** How bad a verdict is: BROKEN and PROBE_FAILED are equally bad, so a move between them is a CHANGE. */
const SEVERITY = [0, 1, 2, 2];

export function transitionOf(base: VerdictCode, head: VerdictCode): Transition | null {
  if (base === head) return null;
  const b = SEVERITY[base];
  const h = SEVERITY[head];
  return h > b ? 'REGRESSION' : h < b ? 'FIX' : 'CHANGE';
}

/**
 * Called now and then during a long walk over a grid; it throws to abandon the walk (a request
 * whose time budget is spent). The engine only calls it: what it measures is the caller's.
 */
export type Checkpoint = () => void;
const NO_CHECKPOINT: Checkpoint = () => undefined;
/** Positions between checkpoints: a few milliseconds of walking, and no measurable cost per position. */
const CHECK_EVERY = 0xffff;

export class GridShape {
  /** Distance in positions between neighbours along each axis. */
  readonly strides: number[];
  readonly size: number;

  constructor(readonly radix: readonly number[]) {
    this.strides = new Array(radix.length);
    let stride = 1;
    for (let axis = radix.length - 1; axis >= 0; axis--) {
      this.strides[axis] = stride;
      stride *= radix[axis];
    }
    this.size = stride;
  }

  coord(position: number, axis: number): number {
    return Math.floor(position / this.strides[axis]) % this.radix[axis];
  }

  /**
   * The smallest position >= `from` whose coordinates are all allowed (`allowed[axis]` sorted
   * ascending, or null for any), or -1. Jumps over whole blocks instead of scanning.
   */
  nextAllowed(from: number, allowed: readonly (readonly number[] | null)[]): number {
    if (from >= this.size) return -1;
    const n = this.radix.length;
    const coords = new Array<number>(n);
    for (let axis = 0; axis < n; axis++) coords[axis] = this.coord(from, axis);
    let axis = 0;
    while (axis < n) {
      const list = allowed[axis];
      if (list === null || list.includes(coords[axis])) {
        axis++;
        continue;
      }
      const next = list === null ? coords[axis] : list.find((v) => v > coords[axis]);
      if (next !== undefined) {
        coords[axis] = next;
        for (let inner = axis + 1; inner < n; inner++) coords[inner] = allowed[inner]?.[0] ?? 0;
        axis++;
        continue;
      }
      // Carry: advance the nearest outer axis to its next allowed value.
      let outer = axis - 1;
      for (; outer >= 0; outer--) {
        const outerList = allowed[outer];
        const candidate = outerList === null ? (coords[outer] + 1 < this.radix[outer] ? coords[outer] + 1 : undefined) : outerList.find((v) => v > coords[outer]);
        if (candidate !== undefined) {
          coords[outer] = candidate;
          break;
        }
      }
      if (outer < 0) return -1;
      for (let inner = outer + 1; inner < n; inner++) coords[inner] = allowed[inner]?.[0] ?? 0;
      axis = outer + 1;
    }
    let position = 0;
    for (let a = 0; a < n; a++) position += coords[a] * this.strides[a];
    return position;
  }

  /**
   * Call `visit` for every allowed position >= `from`, in order, until it returns false.
   * An odometer over the allowed values: no search per step.
   */
  walk(from: number, allowed: readonly (readonly number[] | null)[], visit: (position: number) => boolean, checkpoint: Checkpoint = NO_CHECKPOINT): void {
    checkpoint();
    const start = this.nextAllowed(from, allowed);
    if (start === -1) return;
    const n = this.radix.length;
    const lists = this.radix.map((r, axis) => allowed[axis] ?? Array.from({ length: r }, (_, i) => i));
    const at = lists.map((list, axis) => list.indexOf(this.coord(start, axis)));
    let position = start;
    for (let visited = 1; ; visited++) {
      if ((visited & CHECK_EVERY) === 0) checkpoint();
      if (!visit(position)) return;
      let axis = n - 1;
      for (; axis >= 0; axis--) {
        const list = lists[axis];
        const old = list[at[axis]];
        if (++at[axis] < list.length) {
          position += (list[at[axis]] - old) * this.strides[axis];
          break;
        }
        at[axis] = 0;
        position += (list[0] - old) * this.strides[axis];
      }
      if (axis < 0) return;
    }
  }
}

export interface CellPage {
  positions: number[];
  /** More matches exist after the last position. */
  hasNext: boolean;
}

/** Positions after `after` that match the axis filters and (optionally) a verdict set, in order. */
export function cellPage(
  shape: GridShape, verdicts: Uint8Array, allowed: readonly (readonly number[] | null)[], verdictSet: ReadonlySet<number> | null, after: number, first: number,
  checkpoint: Checkpoint = NO_CHECKPOINT,
): CellPage {
  const positions: number[] = [];
  let hasNext = false;
  shape.walk(after + 1, allowed, (p) => {
    const v = verdicts[p];
    if (v === SKIPPED || (verdictSet !== null && !verdictSet.has(v))) return true;
    if (positions.length === first) {
      hasNext = true;
      return false;
    }
    positions.push(p);
    return true;
  }, checkpoint);
  return { positions, hasNext };
}

/** Count of matching cells (for totals): same walk, no page. */
export function countCells(
  shape: GridShape, verdicts: Uint8Array, allowed: readonly (readonly number[] | null)[], verdictSet: ReadonlySet<number> | null, checkpoint: Checkpoint = NO_CHECKPOINT,
): number {
  let count = 0;
  shape.walk(0, allowed, (p) => {
    const v = verdicts[p];
    if (v !== SKIPPED && (verdictSet === null || verdictSet.has(v))) count++;
    return true;
  }, checkpoint);
  return count;
}

export interface DiffPair {
  base: number;
  head: number;
  transition: Transition;
}

export interface DiffResult {
  pairs: DiffPair[];
  hasNext: boolean;
  totals: Record<Transition, number>;
}

/**
 * The one place a pair of cells becomes a transition: both evaluated, the verdict changed, the
 * transition wanted; counted in the totals, and kept when it falls on the page after `after`.
 * Every diff and comparison walks positions its own way and hands each pair here.
 */
class PairCollector {
  private readonly totals: Record<Transition, number> = { REGRESSION: 0, FIX: 0, CHANGE: 0 };
  private readonly pairs: DiffPair[] = [];
  private hasNext = false;

  constructor(private readonly wanted: ReadonlySet<Transition> | null, private readonly after: number, private readonly first: number) {}

  /** Base position `p` with verdict `bv` against head position `q` with verdict `hv`. */
  add(p: number, q: number, bv: number, hv: number): void {
    if (bv === hv || bv === SKIPPED || hv === SKIPPED) return;
    const t = transitionOf(bv as VerdictCode, hv as VerdictCode)!;
    if (this.wanted !== null && !this.wanted.has(t)) return;
    this.totals[t]++;
    if (p <= this.after) return;
    if (this.pairs.length < this.first) this.pairs.push({ base: p, head: q, transition: t });
    else this.hasNext = true;
  }

  result(): DiffResult {
    return { pairs: this.pairs, hasNext: this.hasNext, totals: this.totals };
  }
}

/**
 * Pairs along one axis: every base position whose coordinate on `axis` is a key of `pairs`,
 * and its partner with the mapped coordinate (same everywhere else), kept when the verdict
 * changed and the transition is wanted. Usually one pair (base value → head value); the device
 * variant axis maps several (each blk_size=512 variant to its blk_size=4096 sibling).
 * One pass gives the page after `after` (a base position) and the totals.
 */
export function diffAlongAxis(
  shape: GridShape, verdicts: Uint8Array, axis: number, pairs: ReadonlyMap<number, number>,
  wanted: ReadonlySet<Transition> | null, after: number, first: number, checkpoint: Checkpoint = NO_CHECKPOINT,
): DiffResult {
  // The base positions form blocks: for each outer index, `stride` consecutive positions at each
  // base value. Plain loops over them, no per-position decoding.
  // Along an inner axis (STRATEGY: stride 1) a block is a handful of positions and there are
  // millions of them: offsets and deltas are looked up once, not per block.
  const stride = shape.strides[axis];
  const block = stride * shape.radix[axis];
  const bases = Int32Array.from([...pairs.keys()].sort((a, b) => a - b));
  const offsets = Int32Array.from(bases, (b) => b * stride);
  const deltas = Int32Array.from(bases, (b) => (pairs.get(b)! - b) * stride);
  const found = new PairCollector(wanted, after, first);
  checkpoint();
  let walked = 0;
  for (let outer = 0; outer < shape.size; outer += block) {
    for (let i = 0; i < offsets.length; i++) {
      const start = outer + offsets[i];
      const end = start + stride;
      const delta = deltas[i];
      for (let p = start; p < end; p++) {
        if ((++walked & CHECK_EVERY) === 0) checkpoint();
        // Unchanged cells, the common case, stay in this loop.
        if (verdicts[p] !== verdicts[p + delta]) found.add(p, p + delta, verdicts[p], verdicts[p + delta]);
      }
    }
  }
  return found.result();
}

/**
 * The same between two runs. `valueMaps[axis][c]` is the head run's coordinate for the base
 * run's coordinate `c` on that axis (-1: the head run lacks that value). Only base positions
 * whose every coordinate maps are walked, and only evaluated ones are looked up in the head run.
 */
export function compareGrids(
  base: GridShape, baseVerdicts: Uint8Array, head: GridShape, headVerdicts: Uint8Array, valueMaps: readonly Int32Array[],
  wanted: ReadonlySet<Transition> | null, after: number, first: number, checkpoint: Checkpoint = NO_CHECKPOINT,
): DiffResult {
  const found = new PairCollector(wanted, after, first);
  const allowed = valueMaps.map((map) => Array.from(map.keys()).filter((c) => map[c] >= 0));
  if (allowed.some((list) => list.length === 0)) return found.result();
  // Runs of the same value sets: the same position on both sides, one plain loop.
  if (valueMaps.every((map, axis) => map.length === head.radix[axis] && map.every((c, i) => c === i))) {
    for (let p = 0; p < base.size; p++) {
      if ((p & CHECK_EVERY) === 0) checkpoint();
      if (baseVerdicts[p] !== headVerdicts[p]) found.add(p, p, baseVerdicts[p], headVerdicts[p]);
    }
    return found.result();
  }
  base.walk(0, allowed, (p) => {
    const bv = baseVerdicts[p];
    if (bv === SKIPPED) return true;
    let q = 0;
    for (let axis = 0; axis < valueMaps.length; axis++) q += valueMaps[axis][base.coord(p, axis)] * head.strides[axis];
    found.add(p, q, bv, headVerdicts[q]);
    return true;
  }, checkpoint);
  return found.result();
}
