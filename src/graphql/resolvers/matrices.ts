/** Matrices: list, look up, create. */
import { createMatrix } from '../../matrices/create-matrix';
import type { MatrixRecord } from '../../matrices/types';
import type { Context } from '../context';
import { MAX_ID, decodeCursor, encodeCursor, pageSize } from '../cursors';
import { withoutNulls } from './engine';
import { runConnection } from './runs';
import { registryFor } from './what-if';

export const resolvers = {
  Query: {
    matrices: async (_: unknown, args: { first?: number; after?: string }, ctx: Context) => {
      const first = pageSize(args.first, 20);
      const page = await ctx.matrices.list(first, args.after ? decodeCursor('matrix', args.after, 0, MAX_ID) : null);
      return {
        edges: page.items.map((m) => ({ cursor: encodeCursor('matrix', m.id), node: m })),
        pageInfo: { hasNextPage: page.hasNext, endCursor: page.items.length ? encodeCursor('matrix', page.items[page.items.length - 1].id) : null },
        totalCount: page.total,
      };
    },
    matrix: (_: unknown, args: { name: string }, ctx: Context) => ctx.matrices.byName(args.name),
  },
  Mutation: {
    createMatrix: async (_: unknown, args: { input: Record<string, unknown> }, ctx: Context) => {
      const { name, description, ...spec } = withoutNulls(args.input);
      return createMatrix(ctx.matrices, { name: String(name), description: (description as string | undefined) ?? null, spec }, ctx.limits, await registryFor(ctx));
    },
  },
  Matrix: {
    id: (m: MatrixRecord) => String(m.id),
    archs: (m: MatrixRecord) => m.spec.archs,
    transports: (m: MatrixRecord) => m.spec.transports,
    devices: (m: MatrixRecord) => m.spec.devices,
    modes: (m: MatrixRecord) => m.spec.modes,
    backends: (m: MatrixRecord) => m.spec.backends,
    hypervisors: (m: MatrixRecord) => m.spec.hypervisors,
    kernels: (m: MatrixRecord) => m.spec.kernels,
    strategies: (m: MatrixRecord) => m.spec.strategies,
    config: (m: MatrixRecord) => m.spec.config,
    createdAt: (m: MatrixRecord) => m.createdAt.toISOString(),
    runs: (m: MatrixRecord, args: { first?: number; after?: string }, ctx: Context) => runConnection(ctx, String(m.id), args),
  },
};
