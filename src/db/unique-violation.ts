import { isDriverAdapterError } from '@prisma/driver-adapter-utils';

/**
 * A unique-constraint violation, "someone stored this first": as Prisma's client reports it
 * (P2002), or as a driver adapter does on the plain-SQL path.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { code?: unknown }).code === 'P2002') return true;
  return err instanceof Error && isDriverAdapterError(err) && err.cause.kind === 'UniqueConstraintViolation';
}
