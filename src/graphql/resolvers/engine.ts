/** evaluate, profiles, firstRegression: straight to the engine. */
import { ALL_PROFILES, HYPERVISORS, KERNEL_PATCHES, NOTABLE_KERNELS, STRATEGIES, evaluate, firstRegression } from '../../engine';
import { DEVICES } from '../../engine/profiles/devices';
import { TRANSPORTS } from '../../engine/profiles/transports';
import type { Context } from '../context';
import { badInput } from '../errors';

export const resolvers = {
  Query: {
    evaluate: (_: unknown, args: { input: Record<string, unknown> }) => evaluate(withoutNulls(args.input)),
    profiles: (_: unknown, __: unknown, ctx: Context) => ({
      archs: Object.values(ALL_PROFILES.archs),
      transports: Object.values(TRANSPORTS).map((t) => ({ ...t, ...t.modes })),
      devices: Object.values(DEVICES).map((d) => ({ ...d, vhostUserSince: d.vhostUser?.since ?? null, vhostUserConfig: d.vhostUser?.config ?? null })),
      hypervisors: HYPERVISORS,
      kernelPatches: KERNEL_PATCHES.map((p) => ({ ...p, removes: p.removes ?? [] })),
      strategies: STRATEGIES,
      notableKernels: NOTABLE_KERNELS,
      hash: ctx.profileHash,
    }),
    firstRegression: (_: unknown, args: { cell: Record<string, unknown>; axis: string }) => {
      if (args.axis !== 'KERNEL' && args.axis !== 'HYPERVISOR') throw badInput('axis', 'firstRegression walks KERNEL or HYPERVISOR versions');
      const r = firstRegression(withoutNulls(args.cell), args.axis === 'KERNEL' ? 'kernel' : 'hypervisor');
      return { ...r, axis: args.axis };
    },
  },
};

/** GraphQL passes absent optional inputs as null; the engine's schema wants them absent. */
export function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
}
