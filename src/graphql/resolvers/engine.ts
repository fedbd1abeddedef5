/** evaluate, profiles, firstRegression: straight to the engine. */
import { ALL_PROFILES, HYPERVISORS, NOTABLE_KERNELS, STRATEGIES, evaluate, firstRegression } from '../../engine';
import { DEVICES } from '../../engine/profiles/devices';
import { TRANSPORTS } from '../../engine/profiles/transports';
import type { Context } from '../context';
import { badInput } from '../errors';
import { listedPatches, registryFor } from './what-if';

export const resolvers = {
  Query: {
    evaluate: async (_: unknown, args: { input: Record<string, unknown> }, ctx: Context) => evaluate(withoutNulls(args.input), { patches: await registryFor(ctx) }),
    profiles: async (_: unknown, __: unknown, ctx: Context) => ({
      archs: Object.values(ALL_PROFILES.archs),
      transports: Object.values(TRANSPORTS).map((t) => ({ ...t, ...t.modes })),
      devices: Object.values(DEVICES).map((d) => ({
        ...d,
        // A profile lists a feature offered in every release by its name alone.
        qemuOffers: d.qemuOffers.map((o) => (typeof o === 'string' ? { feature: o, since: null } : o)),
        vhostUserSince: d.vhostUser?.since ?? null,
        vhostUserConfig: d.vhostUser?.config ?? null,
      })),
      hypervisors: HYPERVISORS,
      ...(await listedPatches(ctx)),
      strategies: STRATEGIES,
      notableKernels: NOTABLE_KERNELS,
      hash: ctx.profileHash,
    }),
    firstRegression: async (_: unknown, args: { cell: Record<string, unknown>; axis: string }, ctx: Context) => {
      if (args.axis !== 'KERNEL' && args.axis !== 'HYPERVISOR') throw badInput('axis', 'firstRegression walks KERNEL or HYPERVISOR versions');
      const r = firstRegression(withoutNulls(args.cell), args.axis === 'KERNEL' ? 'kernel' : 'hypervisor', { patches: await registryFor(ctx) });
      return { ...r, axis: args.axis };
    },
  },
};

/** GraphQL passes absent optional inputs as null; the engine's schema wants them absent. */
export function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}
