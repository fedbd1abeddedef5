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

/** Positions per chunk when walks skip what cannot hold a changed pair. */
const CHUNK = 1024;
/** A chunk whose evaluated cells have more than one verdict. */
const MIXED = 254;

/** The summary of two stretches together: SKIPPED is nothing, equal verdicts stay, anything else is MIXED. */
function merged(a: number, b: number): number {
  return a === SKIPPED ? b : b === SKIPPED || a === b ? a : MIXED;
}

/**
 * What each chunk of CHUNK positions of a grid holds: SKIPPED (no evaluated cell), the verdict all
 * its evaluated cells share, or MIXED. Two stretches that both hold one and the same verdict, or
 * one that holds none, cannot pair into a change, so diffs and comparisons look at positions only
 * where a change may be (in the seed matrix most chunks hold no evaluated cell or one verdict).
 * Building it reads every position once, as much as a diff used to, so a caller builds it once
 * per grid that no longer changes and keeps it with the grid.
 */
export class ChunkVerdicts {
  private readonly chunks: Uint8Array;

  constructor(private readonly verdicts: Uint8Array) {
    this.chunks = new Uint8Array(Math.ceil(verdicts.length / CHUNK));
    // Four positions a read where the grid allows it (aligned, as grids made here are): a word of
    // four SKIPPED, or of four equal verdicts, is one compare. Less than half the cost of reading
    // byte by byte, and it runs once per finished run, as the run ends.
    const words = verdicts.byteOffset % 4 === 0 ? new Int32Array(verdicts.buffer, verdicts.byteOffset, verdicts.length >> 2) : null;
    for (let c = 0; c < this.chunks.length; c++) {
      const from = c * CHUNK;
      const end = Math.min(verdicts.length, from + CHUNK);
      let summary = SKIPPED;
      let p = from;
      if (words) {
        for (; p + 4 <= end && summary !== MIXED; p += 4) {
          const word = words[p >> 2];
          const v = word & 0xff;
          if (word === Math.imul(v, 0x01010101)) summary = merged(summary, v);
          else for (let q = p; q < p + 4; q++) summary = merged(summary, verdicts[q]);
        }
      }
      for (; p < end && summary !== MIXED; p++) summary = merged(summary, verdicts[p]);
      this.chunks[c] = summary;
    }
  }

  /** The summary of chunk `c` (positions c * CHUNK to (c + 1) * CHUNK). */
  of(c: number): number {
    return this.chunks[c];
  }

  /** The summary of positions [from, to), clipped to the grid. */
  span(from: number, to: number): number {
    const last = Math.min(to, this.verdicts.length) - 1;
    let summary = SKIPPED;
    for (let c = Math.floor(Math.max(0, from) / CHUNK); c * CHUNK <= last; c++) summary = merged(summary, this.chunks[c]);
    return summary;
  }

  /** Built for this very grid: a summary of other verdicts would hide their changes. */
  describes(verdicts: Uint8Array): boolean {
    return verdicts === this.verdicts;
  }
}

/** Whether base positions [from, to) against head positions [from + delta, to + delta) may hold a changed pair. */
function mayChange(base: ChunkVerdicts, head: ChunkVerdicts, from: number, to: number, delta: number): boolean {
  const b = base.span(from, to);
  if (b === SKIPPED) return false;
  const h = head.span(from + delta, to + delta);
  return h !== SKIPPED && (h !== b || b === MIXED);
}

/** The caller's summary of `verdicts` when it kept one, else one built now. */
function chunksOf(verdicts: Uint8Array, kept: ChunkVerdicts | null | undefined): ChunkVerdicts {
  if (!kept) return new ChunkVerdicts(verdicts);
  if (!kept.describes(verdicts)) throw new Error('the chunk summary given is not of this grid');
  return kept;
}

/**
 * `visit(from, to)` for each chunk of CHUNK positions below `size` where base positions against
 * head positions `delta` further may hold a changed pair, in order; the checkpoint at the start
 * and every 65,536 positions.
 */
function forEachChangingChunk(base: ChunkVerdicts, head: ChunkVerdicts, delta: number, size: number, checkpoint: Checkpoint, visit: (from: number, to: number) => void): void {
  checkpoint();
  for (let c = 0, from = 0; from < size; c++, from += CHUNK) {
    if (from > 0 && (from & CHECK_EVERY) === 0) checkpoint();
    // Most chunks hold no evaluated cell: one read, no call, decides them.
    const own = base.of(c);
    if (own === SKIPPED) continue;
    const to = Math.min(size, from + CHUNK);
    const partner = head.span(from + delta, to + delta);
    if (partner !== SKIPPED && (partner !== own || own === MIXED)) visit(from, to);
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
 * Every changed pair of a diff or comparison, in base position order, as columns: a full diff
 * of a large run has tens of thousands of pairs, kept by the service for paging, and an object
 * each would cost more than the walk that finds them. `transitions[i]` indexes TRANSITIONS.
 */
export interface DiffColumns {
  length: number;
  bases: Int32Array;
  heads: Int32Array;
  transitions: Uint8Array;
  totals: Record<Transition, number>;
}

const NO_TRANSITION = 0xff;
/** TRANSITIONS index of each (base verdict, head verdict) as `base * 4 + head`; NO_TRANSITION where equal. */
const TRANSITION_CODES = Uint8Array.from({ length: 16 }, (_, i) => {
  const t = transitionOf((i >> 2) as VerdictCode, (i & 3) as VerdictCode);
  return t === null ? NO_TRANSITION : TRANSITIONS.indexOf(t);
});

/**
 * The one place a pair of cells becomes a transition: both evaluated, the verdict changed, the
 * transition wanted; counted in the totals and kept. Every diff and comparison walks positions
 * its own way and hands each pair here, in base position order.
 */
class PairCollector {
  private readonly counts = [0, 0, 0];
  private readonly wantedMask: number;
  private length = 0;
  private bases = new Int32Array(1024);
  private heads = new Int32Array(1024);
  private transitions = new Uint8Array(1024);

  constructor(wanted: ReadonlySet<Transition> | null) {
    this.wantedMask = TRANSITIONS.reduce((mask, t, i) => (wanted === null || wanted.has(t) ? mask | (1 << i) : mask), 0);
  }

  /** Base position `p` with verdict `bv` against head position `q` with verdict `hv`. */
  add(p: number, q: number, bv: number, hv: number): void {
    if (bv === hv || bv === SKIPPED || hv === SKIPPED) return;
    const code = TRANSITION_CODES[bv * 4 + hv];
    if ((this.wantedMask & (1 << code)) === 0) return;
    this.counts[code]++;
    if (this.length === this.bases.length) this.grow();
    this.bases[this.length] = p;
    this.heads[this.length] = q;
    this.transitions[this.length++] = code;
  }

  private grow(): void {
    const grown = <T extends Int32Array | Uint8Array>(from: T, to: T): T => (to.set(from), to);
    const size = this.bases.length * 2;
    this.bases = grown(this.bases, new Int32Array(size));
    this.heads = grown(this.heads, new Int32Array(size));
    this.transitions = grown(this.transitions, new Uint8Array(size));
  }

  result(): DiffColumns {
    const [REGRESSION, FIX, CHANGE] = this.counts;
    const n = this.length;
    // Copies of exactly n: the buffers grew by doubling, and a result may be kept (cached) for long.
    return { length: n, bases: this.bases.slice(0, n), heads: this.heads.slice(0, n), transitions: this.transitions.slice(0, n), totals: { REGRESSION, FIX, CHANGE } };
  }
}

/** The page of pairs whose base position is after `after`, `first` of them at most. */
export function pairsPage(all: DiffColumns, after: number, first: number): DiffResult {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all.bases[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  const end = Math.min(lo + first, all.length);
  const pairs: DiffPair[] = [];
  for (let i = lo; i < end; i++) pairs.push({ base: all.bases[i], head: all.heads[i], transition: TRANSITIONS[all.transitions[i]] });
  return { pairs, hasNext: end < all.length, totals: all.totals };
}

/**
 * Pairs along one axis: every base position whose coordinate on `axis` is a key of `pairs`,
 * and its partner with the mapped coordinate (same everywhere else), kept when the verdict
 * changed and the transition is wanted. Usually one pair (base value → head value); the device
 * variant axis maps several (each blk_size=512 variant to its blk_size=4096 sibling).
 * `chunks`: the grid's summary when the caller keeps one (built here otherwise); positions are
 * looked at only where it says a change may be.
 */
export function allPairsAlongAxis(
  shape: GridShape, verdicts: Uint8Array, axis: number, pairs: ReadonlyMap<number, number>, wanted: ReadonlySet<Transition> | null, checkpoint: Checkpoint = NO_CHECKPOINT,
  chunks?: ChunkVerdicts | null,
): DiffColumns {
  const summary = chunksOf(verdicts, chunks);
  // The base positions form blocks: for each outer index, `stride` consecutive positions at each
  // base value. Plain loops over them, no per-position decoding.
  const stride = shape.strides[axis];
  const block = stride * shape.radix[axis];
  const bases = Int32Array.from([...pairs.keys()].sort((a, b) => a - b));
  const offsets = Int32Array.from(bases, (b) => b * stride);
  const deltas = Int32Array.from(bases, (b) => (pairs.get(b)! - b) * stride);
  const found = new PairCollector(wanted);
  if (stride === 1 && offsets.length === 1) {
    // One value against another on the innermost axis (STRATEGY): a million blocks of a few
    // positions. One plain loop, a step of a block, over the chunks where a change may be only:
    // few bytecodes per step keeps even the unoptimised first run (a server's first diff) short.
    const delta = deltas[0];
    forEachChangingChunk(summary, summary, delta, shape.size, checkpoint, (from, to) => {
      // The first position in the chunk with the base value on the axis.
      for (let p = from + ((((offsets[0] - from) % block) + block) % block); p < to; p += block) {
        // Unchanged cells, the common case, stay in this loop.
        if (verdicts[p] !== verdicts[p + delta]) found.add(p, p + delta, verdicts[p], verdicts[p + delta]);
      }
    });
    return found.result();
  }
  checkpoint();
  let walked = 0;
  for (let outer = 0; outer < shape.size; outer += block) {
    for (let i = 0; i < offsets.length; i++) {
      const delta = deltas[i];
      // A stretch of `stride` base positions, in pieces that end where chunks end.
      for (let from = outer + offsets[i], end = from + stride; from < end;) {
        const to = Math.min(end, (Math.floor(from / CHUNK) + 1) * CHUNK);
        if (Math.floor(walked / (CHECK_EVERY + 1)) !== Math.floor((walked + to - from) / (CHECK_EVERY + 1))) checkpoint();
        walked += to - from;
        if (mayChange(summary, summary, from, to, delta)) {
          for (let p = from; p < to; p++) if (verdicts[p] !== verdicts[p + delta]) found.add(p, p + delta, verdicts[p], verdicts[p + delta]);
        }
        from = to;
      }
    }
  }
  return found.result();
}

/** A page of `allPairsAlongAxis`: the pairs after `after` (a base position), `first` at most, and the totals. */
export function diffAlongAxis(
  shape: GridShape, verdicts: Uint8Array, axis: number, pairs: ReadonlyMap<number, number>,
  wanted: ReadonlySet<Transition> | null, after: number, first: number, checkpoint: Checkpoint = NO_CHECKPOINT,
): DiffResult {
  return pairsPage(allPairsAlongAxis(shape, verdicts, axis, pairs, wanted, checkpoint), after, first);
}

/**
 * The same between two runs. `valueMaps[axis][c]` is the head run's coordinate for the base
 * run's coordinate `c` on that axis (-1: the head run lacks that value). Only base positions
 * whose every coordinate maps are walked, and only evaluated ones are looked up in the head run.
 * `chunks`: either grid's summary when the caller keeps one (built here otherwise).
 */
export function allPairsBetweenGrids(
  base: GridShape, baseVerdicts: Uint8Array, head: GridShape, headVerdicts: Uint8Array, valueMaps: readonly Int32Array[],
  wanted: ReadonlySet<Transition> | null, checkpoint: Checkpoint = NO_CHECKPOINT,
  chunks: { base?: ChunkVerdicts | null; head?: ChunkVerdicts | null } = {},
): DiffColumns {
  const found = new PairCollector(wanted);
  const allowed = valueMaps.map((map) => Array.from(map.keys()).filter((c) => map[c] >= 0));
  if (allowed.some((list) => list.length === 0)) return found.result();
  // Runs of the same value sets: the same position on both sides, one plain loop.
  if (valueMaps.every((map, axis) => map.length === head.radix[axis] && map.every((c, i) => c === i))) {
    const baseChunks = chunksOf(baseVerdicts, chunks.base);
    const headChunks = chunksOf(headVerdicts, chunks.head);
    forEachChangingChunk(baseChunks, headChunks, 0, base.size, checkpoint, (from, to) => {
      for (let p = from; p < to; p++) if (baseVerdicts[p] !== headVerdicts[p]) found.add(p, p, baseVerdicts[p], headVerdicts[p]);
    });
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

/** A page of `allPairsBetweenGrids`, as `diffAlongAxis` is of `allPairsAlongAxis`. */
export function compareGrids(
  base: GridShape, baseVerdicts: Uint8Array, head: GridShape, headVerdicts: Uint8Array, valueMaps: readonly Int32Array[],
  wanted: ReadonlySet<Transition> | null, after: number, first: number, checkpoint: Checkpoint = NO_CHECKPOINT,
): DiffResult {
  return pairsPage(allPairsBetweenGrids(base, baseVerdicts, head, headVerdicts, valueMaps, wanted, checkpoint), after, first);
}
