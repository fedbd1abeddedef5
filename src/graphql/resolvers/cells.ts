/** cells, diff, compareRuns: pages over a run's verdict grid; cell details from stored results. */
import DataLoader from 'dataloader';
import { VERDICTS, evaluate, type Transition } from '../../engine';
import { featureNames } from '../../engine/outcome';
import type { StoredResult } from '../../runs/types';
import type { AxisName, CellFilter, RunView } from '../../runs/views';
import type { Context } from '../context';
import { decodeCursor, encodeCursor, pageSize } from '../cursors';

/** A cell as resolvers pass it around: the run's view and a position. */
interface CellRef {
  view: RunView;
  position: number;
}

const loaders = new WeakMap<Context, Map<string, DataLoader<number, StoredResult | null>>>();

/** Stored results, batched per run and request. */
function stored(ctx: Context, cell: CellRef): Promise<StoredResult | null> {
  let perRun = loaders.get(ctx);
  if (!perRun) loaders.set(ctx, (perRun = new Map()));
  const runId = cell.view.run.id;
  let loader = perRun.get(runId);
  if (!loader) {
    loader = new DataLoader(async (positions) => {
      const found = await ctx.views.resultsAt(runId, positions);
      return positions.map((p) => found.get(p) ?? null);
    });
    perRun.set(runId, loader);
  }
  return loader.load(cell.position);
}

function combination(cell: CellRef) {
  const c = cell.view.plan.combinationAt(cell.position);
  return c;
}

function diffConnection(page: { pairs: { base: number; head: number; transition: Transition }[]; hasNext: boolean; totals: Record<Transition, number> }, base: RunView, head: RunView) {
  const edges = page.pairs.map((p) => ({
    cursor: encodeCursor('pair', p.base),
    node: { transition: p.transition, base: { view: base, position: p.base }, head: { view: head, position: p.head } },
  }));
  return {
    edges,
    pageInfo: { hasNextPage: page.hasNext, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount: page.totals.REGRESSION + page.totals.FIX + page.totals.CHANGE,
    regressions: page.totals.REGRESSION,
    fixes: page.totals.FIX,
    changes: page.totals.CHANGE,
  };
}

export const resolvers = {
  Query: {
    cells: async (_: unknown, args: { run: string; filter?: CellFilter | null; first?: number; after?: string }, ctx: Context) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.cells(args.run, args.filter ?? {}, first, decodeCursor('cell', args.after, -1));
      const edges = page.positions.map((position) => ({ cursor: encodeCursor('cell', position), node: { view: page.view, position } }));
      return {
        edges,
        pageInfo: { hasNextPage: page.hasNext, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
        // A function: graphql-js calls it only when totalCount is selected.
        totalCount: page.total,
      };
    },
    diff: async (_: unknown, args: { run: string; axis: AxisName; base: string; head: string; transitions?: Transition[] | null; first?: number; after?: string }, ctx: Context) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.diff(args.run, args.axis, args.base, args.head, args.transitions ?? null, first, decodeCursor('pair', args.after, -1));
      return diffConnection(page, page.view, page.view);
    },
    heatmap: (_: unknown, args: { run: string; rows: AxisName; columns: AxisName; filter?: CellFilter | null }, ctx: Context) =>
      ctx.views.heatmap(args.run, args.rows, args.columns, args.filter ?? {}),
    compareRuns: async (_: unknown, args: { base: string; head: string; transitions?: Transition[] | null; first?: number; after?: string }, ctx: Context) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.compare(args.base, args.head, args.transitions ?? null, first, decodeCursor('pair', args.after, -1));
      return diffConnection(page, page.base, page.head);
    },
  },
  Cell: {
    id: (c: CellRef) => `${c.view.run.id}:${c.position}`,
    position: (c: CellRef) => c.position,
    combination: (c: CellRef) => combination(c),
    verdict: (c: CellRef) => VERDICTS[c.view.grid[c.position]],
    negotiated: async (c: CellRef, _: unknown, ctx: Context) => {
      const r = await stored(ctx, c);
      return r ? featureNames(c.view.plan.variants[c.view.plan.coordsOf(c.position)[2]].device.name, r.negotiated) : [];
    },
    clearedInValidate: async (c: CellRef, _: unknown, ctx: Context) => {
      const r = await stored(ctx, c);
      return r ? featureNames(c.view.plan.variants[c.view.plan.coordsOf(c.position)[2]].device.name, r.cleared) : [];
    },
    effective: async (c: CellRef, _: unknown, ctx: Context) => (await stored(ctx, c))?.effective ?? null,
    outcome: (c: CellRef) => evaluate(combination(c)),
  },
};
