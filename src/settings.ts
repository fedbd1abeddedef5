/**
 * Whole-number settings from the environment (MAX_MATRIX_POSITIONS, REQUEST_TIME_BUDGET_MS,
 * MUTATIONS_PER_MINUTE, ARTIFACT_MAX_BYTES): one parser and one wording for all of them.
 */
import { z } from 'zod';
import { BadInputError } from './runs/errors';

export interface WholeNumberSetting {
  /** When the variable is unset or empty. */
  fallback: number;
  min: number;
  max: number;
  /** What the variable takes, as an error names it: "a whole number of bytes from 1 to …". */
  range: string;
}

/**
 * Decimal digits only: Number() reads " " as 0 (which would turn a limit off) and "0x10" as 16,
 * so coercion alone lets a typo through as a different setting.
 */
const digits = z.string().regex(/^\d+$/).transform(Number);

/** One setting, its fallback when unset; a bad value is a BadInputError naming the variable. */
export function wholeNumberSetting(env: NodeJS.ProcessEnv, name: string, setting: WholeNumberSetting): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return setting.fallback;
  const parsed = digits.pipe(z.number().int().min(setting.min).max(setting.max)).safeParse(raw);
  if (!parsed.success) throw new BadInputError(name, `must be ${setting.range}, got ${JSON.stringify(raw)}`);
  return parsed.data;
}
