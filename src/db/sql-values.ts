/**
 * Values on the plain-SQL path as the driver adapters hand them over and take them: what Prisma's
 * client would otherwise convert. Both adapters give a DateTime column back as text (ISO 8601 with
 * `+00:00` when Prisma wrote it, `YYYY-MM-DD HH:MM:SS.mmm` in UTC when plain SQL wrote it before
 * this module), a BIGINT as a number (SQLite) or a decimal string (PostgreSQL), a boolean as 0/1
 * (SQLite) or true/false (PostgreSQL).
 */
import type { ArgType } from '@prisma/driver-adapter-utils';
import type { Dialect } from './adapters';

export const INT: ArgType = { scalarType: 'int', arity: 'scalar' } as ArgType;
export const BYTES: ArgType = { scalarType: 'bytes', arity: 'scalar' } as ArgType;
export const TEXT: ArgType = { scalarType: 'string', arity: 'scalar' } as ArgType;
/** A Date argument, written by each adapter as Prisma's client writes one (SQLite: ISO 8601 text in UTC). */
export const DATETIME: ArgType = { scalarType: 'datetime', arity: 'scalar' } as ArgType;

/** Argument types for plain values: a number is an INT, anything else TEXT. */
export function argTypesOf(args: readonly (number | string)[]): ArgType[] {
  return args.map((a) => (typeof a === 'number' ? INT : TEXT));
}

/** SQL written once with `?` placeholders, numbered for the backend that runs it. */
export function forBackend(dialect: Dialect, sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => dialect.param(++i));
}

/** A stored timestamp; one written without an offset is UTC (it was written so). */
export function dateOf(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

export function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : dateOf(value);
}

export function booleanOf(value: unknown): boolean {
  return value === true || value === 1;
}
