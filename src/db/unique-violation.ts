/** A unique-constraint violation, as Prisma reports it (P2002): "someone stored this first". */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
