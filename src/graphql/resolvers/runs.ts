/** Runs: list, look up, start, cancel; progress and summary come from the stored counters. */
import { runPatches } from './what-if';
import { snapshotHash } from '../../db/user-patches';
import { cancelRun, startProbeRun, startRun } from '../../runs/commands';
import { deleteRun } from '../../runs/retention';
import { runSummary } from '../../runs/summary';
import type { KernelArtifact } from '../../artifacts/types';
import type { DeliveryRecord, RunRecord } from '../../runs/types';
import type { Context } from '../context';
import { MAX_ID, decodeCursor, encodeCursor, pageSize } from '../cursors';

export async function runConnection(ctx: Context, matrixId: string | null, args: { first?: number; after?: string }) {
  const first = pageSize(args.first, 20);
  const page = await ctx.store.listRuns(matrixId, first, args.after ? decodeCursor('run', args.after, 0, MAX_ID) : null);
  return {
    edges: page.items.map((r) => ({ cursor: encodeCursor('run', Number(r.id)), node: r })),
    pageInfo: { hasNextPage: page.hasNext, endCursor: page.items.length ? encodeCursor('run', Number(page.items[page.items.length - 1].id)) : null },
    totalCount: page.total,
  };
}

const kernelArtifact = {
  createdAt: (a: KernelArtifact) => a.createdAt.toISOString(),
};

export const resolvers = {
  KernelArtifact: kernelArtifact,
  RunDelivery: {
    source: (d: DeliveryRecord) => d.source.toUpperCase(),
    receivedAt: (d: DeliveryRecord) => d.receivedAt.toISOString(),
  },
  Query: {
    runs: async (_: unknown, args: { matrix?: string | null; first?: number; after?: string }, ctx: Context) => {
      if (args.matrix === undefined || args.matrix === null) return runConnection(ctx, null, args);
      const matrix = await ctx.runDeps.matrixByName(args.matrix);
      if (!matrix) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
      return runConnection(ctx, String(matrix.id), args);
    },
    run: (_: unknown, args: { id: string }, ctx: Context) => ctx.store.getRun(args.id),
    kernelArtifacts: (_: unknown, __: unknown, ctx: Context) => ctx.artifacts.artifacts.listKernels(),
  },
  Mutation: {
    startRun: (_: unknown, args: { matrix: string; probe?: { kernel: string } | null }, ctx: Context) =>
      (args.probe ? startProbeRun(ctx.runDeps, args.matrix, args.probe.kernel, 'graphql') : startRun(ctx.runDeps, args.matrix, 'graphql')),
    cancelRun: (_: unknown, args: { id: string }, ctx: Context) => cancelRun(ctx.runDeps, args.id),
    deleteRun: async (_: unknown, args: { id: string }, ctx: Context) => {
      const run = await deleteRun(ctx.retention, args.id);
      ctx.views.forget(run.id);
      return run;
    },
  },
  Run: {
    matrix: (r: RunRecord, _: unknown, ctx: Context) => ctx.matrixLoader.load(Number(r.matrixId)),
    kind: (r: RunRecord) => r.kind.toUpperCase(),
    kernel: (r: RunRecord, _: unknown, ctx: Context) => (r.kernelId ? ctx.artifacts.artifacts.getKernel(r.kernelId) : null),
    status: (r: RunRecord) => r.status.toUpperCase(),
    delivery: (r: RunRecord, _: unknown, ctx: Context) => ctx.deliveryLoader.load(r.id),
    progress: (r: RunRecord) => (r.cellsTotal === 0 ? 1 : r.cellsDone / r.cellsTotal),
    summary: (r: RunRecord) => runSummary(r),
    ...runPatches,
    // A run with user patches hashes them with the engine's data: it is current when the engine's data is.
    profilesCurrent: (r: RunRecord, _: unknown, ctx: Context) => r.profileHash === snapshotHash(ctx.profileHash, r.whatIf),
    createdAt: (r: RunRecord) => r.createdAt.toISOString(),
    startedAt: (r: RunRecord) => r.startedAt?.toISOString() ?? null,
    finishedAt: (r: RunRecord) => r.finishedAt?.toISOString() ?? null,
  },
};
