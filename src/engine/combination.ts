import { z } from 'zod';
import { axisOf, expectedOn } from './axes';

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
  throw shapeError(parsed.error.issues[0], input, '(combination)', Object.keys(combinationSchema.shape));
}

/**
 * The first shape problem in the user's words: a missing or mistyped axis says what the axis
 * takes, an unknown key lists the keys there are. Other issues keep the schema's message.
 */
export function shapeError(issue: z.core.$ZodIssue, input: unknown, whole: string, fields: readonly string[]): InvalidCombinationError {
  if (issue.code === 'unrecognized_keys') {
    return new InvalidCombinationError(issue.keys.join(', '), `unknown field; the fields are: ${fields.join(', ')}`);
  }
  if (issue.path.length === 0 && issue.code === 'invalid_type') {
    return new InvalidCombinationError(whole, `${JSON.stringify(input)} is not an object; expected one with the fields ${fields.join(', ')}`);
  }
  const field = issue.path.join('.') || whole;
  // Config is an object of fields, not a value: the schema's own words fit it.
  const axis = issue.path.length === 1 && issue.path[0] !== 'config' ? axisOf(String(issue.path[0])) : undefined;
  if (axis && issue.code === 'invalid_type') {
    const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[String(issue.path[0])] : undefined;
    const list = axis.specField === field;
    return new InvalidCombinationError(field, `${given === undefined ? 'missing' : `${JSON.stringify(given)} is not ${list ? 'a list' : 'a string'}`}; expected ${expectedOn(axis, list)}`);
  }
  if (axis && issue.code === 'too_small' && axis.specField === field) {
    return new InvalidCombinationError(field, `empty; expected ${expectedOn(axis, true)}`);
  }
  return new InvalidCombinationError(field, issue.message);
}
