/** cells, diff, compareRuns: pages over a run's verdict grid; cell details from stored results. */
import DataLoader from 'dataloader';
import { SKIPPED, VERDICTS, evaluate, type Transition } from '../../engine';
import { featureName } from '../../engine/catalog';
import { featureNames } from '../../engine/outcome';
import type { Observation } from '../../probe/compare';
import type { StoredProbeResult } from '../../runs/probe/types';
import type { StoredResult } from '../../runs/types';
import type { AxisName, CellFilter, RunView } from '../../runs/views';
import type { Context } from '../context';
import { decodeCursor, encodeCursor, pageSize } from '../cursors';
import { toGraphQLError } from '../errors';

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

const probeLoaders = new WeakMap<Context, Map<string, DataLoader<number, StoredProbeResult | null>>>();

/** Stored probe results (probe runs only), batched per run and request. */
async function probed(ctx: Context, cell: CellRef): Promise<StoredProbeResult | null> {
  if (cell.view.run.kind !== 'probe') return null;
  let perRun = probeLoaders.get(ctx);
  if (!perRun) probeLoaders.set(ctx, (perRun = new Map()));
  const runId = cell.view.run.id;
  let loader = perRun.get(runId);
  if (!loader) {
    loader = new DataLoader(async (positions) => {
      const found = await ctx.store.probeResultsAt(runId, positions);
      return positions.map((p) => found.get(p) ?? null);
    });
    perRun.set(runId, loader);
  }
  return loader.load(cell.position);
}

function observation(cell: CellRef, o: Observation | null | undefined) {
  if (!o) return null;
  const device = cell.view.plan.variantAt(cell.position).device.name;
  return { ...o, negotiated: o.negotiatedBits.map((bit) => featureName(device, bit)) };
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
      const page = await ctx.views.cells(args.run, args.filter ?? {}, first, decodeCursor('cell', args.after, -1), ctx.budget);
      const edges = page.positions.map((position) => ({ cursor: encodeCursor('cell', position), node: { view: page.view, position } }));
      return {
        edges,
        pageInfo: { hasNextPage: page.hasNext, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
        // A function: graphql-js calls it only when totalCount is selected (outside withErrorCodes, so mapped here).
        totalCount: () => {
          try {
            return page.total();
          } catch (err) {
            throw toGraphQLError(err);
          }
        },
      };
    },
    cell: async (_: unknown, args: { run: string; position: number }, ctx: Context): Promise<CellRef | null> => {
      const view = await ctx.views.view(args.run);
      const held = Number.isSafeInteger(args.position) && args.position >= 0 && args.position < view.grid.length && view.grid[args.position] !== SKIPPED;
      return held ? { view, position: args.position } : null;
    },
    diff: async (_: unknown, args: { run: string; axis: AxisName; base: string; head: string; transitions?: Transition[] | null; first?: number; after?: string }, ctx: Context) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.diff(args.run, args.axis, args.base, args.head, args.transitions ?? null, first, decodeCursor('pair', args.after, -1), ctx.budget);
      return diffConnection(page, page.view, page.view);
    },
    heatmap: (_: unknown, args: { run: string; rows: AxisName; columns: AxisName; filter?: CellFilter | null }, ctx: Context) =>
      ctx.views.heatmap(args.run, args.rows, args.columns, args.filter ?? {}, ctx.budget),
    compareRuns: async (_: unknown, args: { base: string; head: string; transitions?: Transition[] | null; first?: number; after?: string }, ctx: Context) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.compare(args.base, args.head, args.transitions ?? null, first, decodeCursor('pair', args.after, -1), ctx.budget);
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
      return r ? featureNames(c.view.plan.variantAt(c.position).device.name, r.negotiated) : [];
    },
    clearedInValidate: async (c: CellRef, _: unknown, ctx: Context) => {
      const r = await stored(ctx, c);
      return r ? featureNames(c.view.plan.variantAt(c.position).device.name, r.cleared) : [];
    },
    effective: async (c: CellRef, _: unknown, ctx: Context) => (await stored(ctx, c))?.effective ?? null,
    outcome: (c: CellRef) => evaluate(combination(c), { patches: c.view.plan.patches }),
    observed: async (c: CellRef, _: unknown, ctx: Context) => observation(c, (await probed(ctx, c))?.observed),
    predicted: async (c: CellRef, _: unknown, ctx: Context) => observation(c, (await probed(ctx, c))?.predicted),
    agree: async (c: CellRef, _: unknown, ctx: Context) => (await probed(ctx, c))?.agree ?? null,
    differences: async (c: CellRef, _: unknown, ctx: Context) => (await probed(ctx, c))?.differences ?? [],
    boot: async (c: CellRef, _: unknown, ctx: Context) => {
      const p = await probed(ctx, c);
      return p ? { attempts: p.attempts, seconds: p.seconds, consolePath: `/api/runs/${c.view.run.id}/cells/${c.position}/console` } : null;
    },
  },
};
