/**
 * Read use cases over a run's verdict grid: filtered cell pages, diffs along one axis, and
 * comparisons between runs. Grids of finished runs are immutable and cached; a diff's full pair
 * list is cached too, so later pages are a binary search away.
 */
import { LRUCache } from 'lru-cache';
import {
  AXES, ChunkVerdicts, GridShape, MatrixPlan, SKIPPED, VARIANT_COORDINATE, VERDICTS, allPairsAlongAxis, allPairsBetweenGrids, axisNamed, cellPage, configKey, countCells,
  pairsPage, type Axis, type AxisName, type DiffColumns, type DiffResult, type Transition,
} from '../engine';
import { BadInputError, NotFoundError } from './errors';
import { offerPlan, planOf } from './plan';
import { NO_BUDGET, type TimeBudget } from './time-budget';
import type { RunRecord, RunStore } from './types';

export type { AxisName };

/** What views read: a run, its verdict grid, stored results. */
export type RunReader = Pick<RunStore, 'getRun' | 'grid' | 'resultsAt'>;

export interface RunView {
  run: RunRecord;
  plan: MatrixPlan;
  shape: GridShape;
  grid: Uint8Array;
  /**
   * Where the grid holds one verdict or none, which diffs and comparisons skip. Built with the
   * view of a finished run; null for a run still going, whose grid is read afresh per request and
   * needs it only for a diff (built then).
   */
  chunks: ChunkVerdicts | null;
}

export interface Heatmap {
  rows: string[];
  columns: string[];
  cells: { ok: number; degraded: number; broken: number; probeFailed: number }[][];
}

export type CellFilter = Partial<Record<Axis['field'], readonly string[]>> & { verdict?: readonly string[] };

/** DEVICE and CONFIG are halves of the device-variant coordinate: each variant's value on that half. */
function variantKey(plan: MatrixPlan, axis: Axis, i: number): string {
  const v = plan.variants[i];
  return axis.field === 'device' ? v.device.name : configKey(v.config);
}

export class RunViews {
  /** Succeeded runs' views, with when the run was last seen in the store (see view()). */
  private readonly views = new LRUCache<string, { view: RunView; seenAt: number }>({ max: 8 });
  /** Bounded by bytes (9 a pair): a diff of a large run can hold millions of pairs. */
  private readonly diffs = new LRUCache<string, DiffColumns>({ max: 64, maxSize: 256 * 1024 * 1024, sizeCalculation: (d) => Math.max(1, d.length * 9) });
  private readonly counts = new LRUCache<string, number>({ max: 1024 });
  private readonly heatmaps = new LRUCache<string, Heatmap>({ max: 256 });
  /** A filter as coordinate lists, by run and filter: a client pages on with the same filter. A run's plan never changes. */
  private readonly filters = new LRUCache<string, CompiledFilter>({ max: 256 });
  private readonly loading = new Map<string, Promise<RunView>>();

  /**
   * `recheckMs`: how long a cached run is served before the store is asked again whether it still
   * exists. Another process (`runs prune`, a second server) can delete it, and only this one's
   * deleteRun calls forget().
   */
  constructor(private readonly reader: RunReader, private readonly recheckMs = 1000) {}

  /** forget() calls so far: a view read from the store before one of them is not cached (it may be of the deleted run). */
  private forgets = 0;

  /**
   * A run's view. Concurrent callers (aliases in one request, or several requests) share one
   * load: an unfinished run's grid is rebuilt from its stored results, which is costly.
   */
  view(runId: string): Promise<RunView> {
    const cached = this.views.get(runId);
    if (cached) return Date.now() - cached.seenAt < this.recheckMs ? Promise.resolve(cached.view) : this.recheck(runId, cached);
    let loading = this.loading.get(runId);
    if (!loading) {
      loading = this.load(runId).finally(() => this.loading.delete(runId));
      this.loading.set(runId, loading);
    }
    return loading;
  }

  /** A deleted run: nothing cached about it (its view, diffs and comparisons, counts, heatmaps) is served again. */
  forget(runId: string): void {
    this.forgets++;
    this.views.delete(runId);
    const mentions = (key: string) => key.split('|').slice(0, 3).includes(runId);
    for (const cache of [this.diffs, this.counts, this.heatmaps, this.filters] as LRUCache<string, object | number>[]) {
      for (const key of [...cache.keys()]) if (mentions(key)) cache.delete(key);
    }
  }

  /** A cached run asked for after recheckMs: still served if it is still stored, forgotten if not. */
  private async recheck(runId: string, cached: { view: RunView; seenAt: number }): Promise<RunView> {
    if (!(await this.reader.getRun(runId))) {
      this.forget(runId);
      throw new NotFoundError('run', runId);
    }
    cached.seenAt = Date.now();
    return cached.view;
  }

  private async load(runId: string): Promise<RunView> {
    const forgets = this.forgets;
    const run = await this.reader.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return this.keep(run, planOf(run), await this.reader.grid(run), forgets);
  }

  /**
   * A run that has just succeeded in this process, from the grid and plan its queue still holds:
   * its view is ready before anyone asks, where loading it would read and inflate the stored grid
   * and plan the matrix again, on the event loop, as the first reads arrive.
   */
  async prepare(runId: string, grid: Uint8Array, plan: MatrixPlan): Promise<void> {
    const forgets = this.forgets;
    const run = await this.reader.getRun(runId);
    if (run?.status !== 'succeeded' || this.views.has(runId)) return;
    offerPlan(run, plan);
    this.keep(run, planOf(run), grid, forgets);
  }

  /**
   * A run's view; cached when the run has succeeded (only a finished run's grid never changes) and
   * nothing was forgotten since `forgets` was read. A view cached meanwhile (a load beside a
   * prepare) is kept and returned: one grid and one chunk summary per run.
   */
  private keep(run: RunRecord, plan: MatrixPlan, grid: Uint8Array, forgets: number): RunView {
    const finished = run.status === 'succeeded';
    const cached = finished ? this.views.get(run.id) : undefined;
    if (cached) return cached.view;
    const view = { run, plan, shape: new GridShape(plan.radix), grid, chunks: finished ? new ChunkVerdicts(grid) : null };
    if (finished && forgets === this.forgets) this.views.set(run.id, { view, seenAt: Date.now() });
    return view;
  }

  async cells(runId: string, filter: CellFilter, first: number, after: number, budget: TimeBudget = NO_BUDGET) {
    const view = await budget.within(this.view(runId));
    const countKey = `${runId}|${JSON.stringify(filter)}`;
    let compiled = this.filters.get(countKey);
    if (!compiled) this.filters.set(countKey, (compiled = compileFilter(view.plan, filter)));
    const { allowed, verdicts } = compiled;
    const page = cellPage(view.shape, view.grid, allowed, verdicts, after, first, budget.check);
    // Counting walks every matching position: done only when asked for, once per filter.
    const total = () => {
      let n = this.counts.get(countKey);
      if (n === undefined) {
        n = countCells(view.shape, view.grid, allowed, verdicts, budget.check);
        if (view.run.status === 'succeeded') this.counts.set(countKey, n);
      }
      return n;
    };
    return { view, positions: page.positions, hasNext: page.hasNext, total };
  }

  async diff(
    runId: string, axis: AxisName, base: string, head: string, transitions: readonly Transition[] | null, first: number, after: number, budget: TimeBudget = NO_BUDGET,
  ): Promise<DiffResult & { view: RunView }> {
    const view = await budget.within(this.view(runId));
    const key = `${runId}|${axis}|${base}|${head}|${transitions?.slice().sort().join(',') ?? '*'}`;
    let cached = this.diffs.get(key);
    if (!cached) {
      const { planAxis, pairs } = axisPairs(view.plan, axis, base, head);
      cached = allPairsAlongAxis(view.shape, view.grid, planAxis, pairs, transitions ? new Set(transitions) : null, budget.check, view.chunks);
      if (view.run.status === 'succeeded') this.diffs.set(key, cached);
    }
    return { view, ...pairsPage(cached, after, first) };
  }

  async compare(baseId: string, headId: string, transitions: readonly Transition[] | null, first: number, after: number, budget: TimeBudget = NO_BUDGET) {
    const [base, head] = await budget.within(Promise.all([this.view(baseId), this.view(headId)]));
    const key = `cmp|${baseId}|${headId}|${transitions?.slice().sort().join(',') ?? '*'}`;
    let cached = this.diffs.get(key);
    if (!cached) {
      cached = allPairsBetweenGrids(
        base.shape, base.grid, head.shape, head.grid, valueMaps(base, head), transitions ? new Set(transitions) : null, budget.check, { base: base.chunks, head: head.chunks },
      );
      if (base.run.status === 'succeeded' && head.run.status === 'succeeded') this.diffs.set(key, cached);
    }
    return { base, head, ...pairsPage(cached, after, first) };
  }

  /**
   * Cells evaluated in both runs that compareRuns pairs (identical combinations): zero means the
   * comparison says nothing, e.g. runs of matrices that differ in every strategy.
   */
  async sharedCells(baseId: string, headId: string): Promise<number> {
    const [base, head] = await Promise.all([this.view(baseId), this.view(headId)]);
    const maps = valueMaps(base, head);
    const allowed = maps.map((map) => Array.from(map.keys()).filter((c) => map[c] >= 0));
    if (allowed.some((list) => list.length === 0)) return 0;
    let shared = 0;
    base.shape.walk(0, allowed, (p) => {
      if (base.grid[p] === SKIPPED) return true;
      let q = 0;
      for (let axis = 0; axis < maps.length; axis++) q += maps[axis][base.shape.coord(p, axis)] * head.shape.strides[axis];
      if (head.grid[q] !== SKIPPED) shared++;
      return true;
    });
    return shared;
  }

  /**
   * Verdict counts per (row value, column value) of two axes, over the cells a filter keeps:
   * the matrix as a picture. DEVICE and CONFIG both read the device-variant axis.
   */
  async heatmap(runId: string, rows: AxisName, columns: AxisName, filter: CellFilter, budget: TimeBudget = NO_BUDGET): Promise<Heatmap> {
    const view = await budget.within(this.view(runId));
    // A finished run's picture never changes: walked once per axes and filter.
    const key = `${runId}|${rows}|${columns}|${JSON.stringify(filter)}`;
    const cached = this.heatmaps.get(key);
    if (cached) return cached;
    const heatmap = this.walkHeatmap(view, rows, columns, filter, budget);
    if (view.run.status === 'succeeded') this.heatmaps.set(key, heatmap);
    return heatmap;
  }

  private walkHeatmap(view: RunView, rows: AxisName, columns: AxisName, filter: CellFilter, budget: TimeBudget): Heatmap {
    const labelsOf = (axis: AxisName) => axisLabels(view.plan, axis);
    const r = labelsOf(rows);
    const c = labelsOf(columns);
    const counts = Array.from({ length: r.labels.length * c.labels.length * 4 }, () => 0);
    const { allowed, verdicts } = compileFilter(view.plan, filter);
    view.shape.walk(0, allowed, (p) => {
      const v = view.grid[p];
      if (v === SKIPPED || (verdicts !== null && !verdicts.has(v))) return true;
      const ri = r.index[view.shape.coord(p, r.planAxis)];
      const ci = c.index[view.shape.coord(p, c.planAxis)];
      counts[(ri * c.labels.length + ci) * 4 + v]++;
      return true;
    }, budget.check);
    return {
      rows: r.labels,
      columns: c.labels,
      cells: r.labels.map((_, ri) => c.labels.map((__, ci) => {
        const o = (ri * c.labels.length + ci) * 4;
        return { ok: counts[o], degraded: counts[o + 1], broken: counts[o + 2], probeFailed: counts[o + 3] };
      })),
    };
  }

  resultsAt(runId: string, positions: readonly number[]) {
    return this.reader.resultsAt(runId, positions);
  }
}

/** Labels of an axis for pictures, and the label index of each plan coordinate on it. */
function axisLabels(plan: MatrixPlan, name: AxisName): { planAxis: number; labels: string[]; index: number[] } {
  const axis = axisNamed(name);
  if (axis.planIndex === VARIANT_COORDINATE) {
    const keys = plan.variants.map((_, i) => variantKey(plan, axis, i) || (axis.field === 'config' ? '(defaults)' : ''));
    const labels = [...new Set(keys)];
    return { planAxis: VARIANT_COORDINATE, labels, index: keys.map((k) => labels.indexOf(k)) };
  }
  const labels = plan.labels()[axis.planIndex];
  return { planAxis: axis.planIndex, labels, index: labels.map((_, i) => i) };
}

interface CompiledFilter {
  allowed: (number[] | null)[];
  verdicts: Set<number> | null;
}

function compileFilter(plan: MatrixPlan, filter: CellFilter): CompiledFilter {
  const verdicts = filter.verdict?.length ? new Set(filter.verdict.map((v) => VERDICTS.indexOf(v as (typeof VERDICTS)[number]))) : null;
  return { allowed: allowedLists(plan, filter), verdicts };
}

/** Allowed coordinate lists for a filter; values absent from the run simply match nothing. */
function allowedLists(plan: MatrixPlan, filter: CellFilter): (number[] | null)[] {
  const values = plan.labels();
  const allowed: (number[] | null)[] = values.map(() => null);
  for (const axis of AXES) {
    const wanted = filter[axis.field];
    if (!wanted?.length || axis.planIndex === VARIANT_COORDINATE) continue;
    allowed[axis.planIndex] = values[axis.planIndex].flatMap((v, i) => (wanted.includes(v) ? [i] : []));
  }
  const halves = AXES.filter((a) => a.planIndex === VARIANT_COORDINATE && filter[a.field]?.length);
  if (halves.length) {
    allowed[VARIANT_COORDINATE] = plan.variants.flatMap((_, i) => (halves.every((a) => filter[a.field]!.includes(variantKey(plan, a, i))) ? [i] : []));
  }
  return allowed;
}

/** Which plan axis a diff walks, and which coordinate pairs (base → head) it compares. */
function axisPairs(plan: MatrixPlan, name: AxisName, base: string, head: string): { planAxis: number; pairs: Map<number, number> } {
  const axis = axisNamed(name);
  if (axis.planIndex === VARIANT_COORDINATE) {
    // A variant pairs with the one that has the head value on this half and the same other half.
    const other = AXES.find((a) => a.planIndex === VARIANT_COORDINATE && a !== axis)!;
    const key = (i: number) => variantKey(plan, axis, i);
    const sibling = (i: number) => variantKey(plan, other, i);
    const pairs = new Map<number, number>();
    plan.variants.forEach((_, i) => {
      if (key(i) !== base) return;
      const j = plan.variants.findIndex((_w, k) => key(k) === head && sibling(k) === sibling(i));
      if (j >= 0) pairs.set(i, j);
    });
    const known = [...new Set(plan.variants.map((_, i) => key(i)))];
    if (!known.includes(base)) throw new BadInputError('base', `"${base}" is not on the run's ${name} axis (values: ${known.join(' | ')})`);
    if (!known.includes(head)) throw new BadInputError('head', `"${head}" is not on the run's ${name} axis (values: ${known.join(' | ')})`);
    return { planAxis: VARIANT_COORDINATE, pairs };
  }
  const values = plan.labels()[axis.planIndex];
  const b = values.indexOf(base);
  const h = values.indexOf(head);
  if (b < 0) throw new BadInputError('base', `"${base}" is not on the run's ${name} axis (values: ${values.join(', ')})`);
  if (h < 0) throw new BadInputError('head', `"${head}" is not on the run's ${name} axis (values: ${values.join(', ')})`);
  return { planAxis: axis.planIndex, pairs: new Map([[b, h]]) };
}

/** Per axis: the head run's coordinate of each base run value, -1 where the head run lacks it. */
function valueMaps(base: RunView, head: RunView): Int32Array[] {
  const headValues = head.plan.labels();
  return base.plan.labels().map((values, axis) => Int32Array.from(values, (v) => headValues[axis].indexOf(v)));
}
