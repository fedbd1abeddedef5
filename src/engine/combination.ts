import { z } from 'zod';

/**
 * A combination as users write it (CLI JSON, GraphQL input): axis values are plain strings such
 * as "s390x", "5.15-rc5", "write-back". The shape is checked here; whether the values exist and
 * fit together is checked by `resolveCombination`.
 */
export const combinationSchema = z
  .object({
    arch: z.string(),
    transport: z.string(),
    device: z.string(),
    mode: z.string(),
    backend: z.string().default('qemu'),
    hypervisor: z.string(),
    kernel: z.string(),
    strategy: z.string().default('as-shipped'),
    /** Device config values by Linux struct field name; a given field implies its feature. */
    config: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
    pageSize: z.number().int().positive().optional(),
    /** Device-offered feature names, replacing the device model's defaults. */
    features: z.array(z.string()).optional(),
    /** Host architecture when it differs from the guest's (TCG); decides vhost-user's native order. */
    hostArch: z.string().optional(),
  })
  .strict();

export type CombinationInput = z.input<typeof combinationSchema>;
export type Combination = z.output<typeof combinationSchema>;

/** A bad combination: which field, and why. Thrown at the edges, carried as a value inside. */
export class InvalidCombinationError extends Error {
  readonly code = 'INVALID_COMBINATION';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidCombinationError';
  }
}

/** Parse the shape of one combination, naming the first offending field. */
export function parseCombination(input: unknown): Combination {
  const parsed = combinationSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.join('.') : (issue as { keys?: string[] }).keys?.join(', ') ?? '(combination)';
  throw new InvalidCombinationError(field, issue.message);
}
