/** cells, diff, compareRuns: pages over a run's verdict grid; cell details from stored results. */
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
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
import { selects } from '../selection';

/**
 * A cell as resolvers pass it around: the run's view and a position, and its stored result when
 * the page loaded it with the page (null: none stored; absent: not loaded, ask the loader).
 */
interface CellRef {
  view: RunView;
  position: number;
  stored?: StoredResult | null;
}

/** Cell fields read from the stored result. */
const STORED_FIELDS = new Set(['negotiated', 'clearedInValidate', 'effective']);

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

/**
 * `read` of the cell's stored result: at once when its page loaded it, so that a page's fields all
 * resolve without a promise each (graphql-js then completes the page's objects synchronously).
 */
function fromStored<T>(ctx: Context, cell: CellRef, read: (r: StoredResult | null) => T): T | Promise<T> {
  return cell.stored !== undefined ? read(cell.stored) : stored(ctx, cell).then(read);
}

/** Stored results of a page's cells, loaded at once when the query selects a field that reads them. */
async function storedForPage(ctx: Context, info: GraphQLResolveInfo, path: readonly string[], view: RunView, positions: readonly number[]) {
  if (positions.length === 0 || !selects(info, path, STORED_FIELDS)) return null;
  return ctx.budget.within(ctx.views.resultsAt(view.run.id, positions));
}

const cellRef = (view: RunView, position: number, loaded: Map<number, StoredResult> | null): CellRef =>
  (loaded ? { view, position, stored: loaded.get(position) ?? null } : { view, position });

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

/** Edges of pages: a cursor is encoded only when the query asks for it (CellEdge.cursor, DiffEdge.cursor). */
interface CellEdge {
  node: CellRef;
}
interface DiffEdge {
  node: { transition: Transition; base: CellRef; head: CellRef };
}
const cellCursor = (edge: CellEdge) => encodeCursor('cell', edge.node.position);
const pairCursor = (edge: DiffEdge) => encodeCursor('pair', edge.node.base.position);

type PairsPage = { pairs: { base: number; head: number; transition: Transition }[]; hasNext: boolean; totals: Record<Transition, number> };

async function diffConnection(ctx: Context, info: GraphQLResolveInfo, page: PairsPage, base: RunView, head: RunView) {
  const [baseStored, headStored] = await Promise.all([
    storedForPage(ctx, info, ['edges', 'node', 'base'], base, page.pairs.map((p) => p.base)),
    storedForPage(ctx, info, ['edges', 'node', 'head'], head, page.pairs.map((p) => p.head)),
  ]);
  const edges = page.pairs.map((p): DiffEdge => ({ node: { transition: p.transition, base: cellRef(base, p.base, baseStored), head: cellRef(head, p.head, headStored) } }));
  return {
    edges,
    pageInfo: { hasNextPage: page.hasNext, endCursor: edges.length ? pairCursor(edges[edges.length - 1]) : null },
    totalCount: page.totals.REGRESSION + page.totals.FIX + page.totals.CHANGE,
    regressions: page.totals.REGRESSION,
    fixes: page.totals.FIX,
    changes: page.totals.CHANGE,
  };
}

export const resolvers = {
  Query: {
    cells: async (_: unknown, args: { run: string; filter?: CellFilter | null; first?: number; after?: string }, ctx: Context, info: GraphQLResolveInfo) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.cells(args.run, args.filter ?? {}, first, decodeCursor('cell', args.after, -1), ctx.budget);
      const loaded = await storedForPage(ctx, info, ['edges', 'node'], page.view, page.positions);
      const edges = page.positions.map((position): CellEdge => ({ node: cellRef(page.view, position, loaded) }));
      return {
        edges,
        pageInfo: { hasNextPage: page.hasNext, endCursor: edges.length ? cellCursor(edges[edges.length - 1]) : null },
        // Counted only when totalCount is selected (CellConnection.totalCount).
        total: page.total,
      };
    },
    cell: async (_: unknown, args: { run: string; position: number }, ctx: Context): Promise<CellRef | null> => {
      const view = await ctx.views.view(args.run);
      const held = Number.isSafeInteger(args.position) && args.position >= 0 && args.position < view.grid.length && view.grid[args.position] !== SKIPPED;
      return held ? { view, position: args.position } : null;
    },
    diff: async (_: unknown, args: { run: string; axis: AxisName; base: string; head: string; transitions?: Transition[] | null; first?: number; after?: string }, ctx: Context, info: GraphQLResolveInfo) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.diff(args.run, args.axis, args.base, args.head, args.transitions ?? null, first, decodeCursor('pair', args.after, -1), ctx.budget);
      return diffConnection(ctx, info, page, page.view, page.view);
    },
    heatmap: (_: unknown, args: { run: string; rows: AxisName; columns: AxisName; filter?: CellFilter | null }, ctx: Context) =>
      ctx.views.heatmap(args.run, args.rows, args.columns, args.filter ?? {}, ctx.budget),
    compareRuns: async (_: unknown, args: { base: string; head: string; transitions?: Transition[] | null; first?: number; after?: string }, ctx: Context, info: GraphQLResolveInfo) => {
      const first = pageSize(args.first, 100);
      const page = await ctx.views.compare(args.base, args.head, args.transitions ?? null, first, decodeCursor('pair', args.after, -1), ctx.budget);
      return diffConnection(ctx, info, page, page.base, page.head);
    },
  },
  CellConnection: {
    // Synchronous, so a page stays free of promises; errors mapped here for the same reason.
    totalCount: (connection: { total: () => number }) => {
      try {
        return connection.total();
      } catch (err) {
        throw toGraphQLError(err);
      }
    },
  },
  CellEdge: { cursor: cellCursor },
  DiffEdge: { cursor: pairCursor },
  Cell: {
    id: (c: CellRef) => `${c.view.run.id}:${c.position}`,
    position: (c: CellRef) => c.position,
    combination: (c: CellRef) => combination(c),
    verdict: (c: CellRef) => VERDICTS[c.view.grid[c.position]],
    negotiated: (c: CellRef, _: unknown, ctx: Context) =>
      fromStored(ctx, c, (r) => (r ? featureNames(c.view.plan.variantAt(c.position).device.name, r.negotiated) : [])),
    clearedInValidate: (c: CellRef, _: unknown, ctx: Context) =>
      fromStored(ctx, c, (r) => (r ? featureNames(c.view.plan.variantAt(c.position).device.name, r.cleared) : [])),
    effective: (c: CellRef, _: unknown, ctx: Context) => fromStored(ctx, c, (r) => r?.effective ?? null),
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
