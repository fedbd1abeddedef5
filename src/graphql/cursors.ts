/** Opaque cursors: base64url of `<kind>:<number>`; a cursor of another kind or garbage is BAD_USER_INPUT. */
import { badInput } from './errors';

export function encodeCursor(kind: string, n: number): string {
  return Buffer.from(`${kind}:${n}`).toString('base64url');
}

/** `after` → the number it names; null cursor → `none`. */
export function decodeCursor(kind: string, cursor: string | null | undefined, none: number, max = Number.MAX_SAFE_INTEGER): number {
  if (cursor === null || cursor === undefined) return none;
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = new RegExp(`^${kind}:(-?\\d+)$`).exec(text);
  // Past `max` no cursor of this API points: the store would refuse the number (PostgreSQL's INTEGER ids) or find nothing.
  if (!m || Number(m[1]) > max || Number(m[1]) < none) throw badInput('after', `not a ${kind} cursor from this API`);
  return Number(m[1]);
}

/** Matrix and run ids are INTEGER columns. */
export const MAX_ID = 2 ** 31 - 1;

export const MAX_PAGE = 1000;

export function pageSize(first: number | null | undefined, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE) throw badInput('first', `must be an integer from 0 to ${MAX_PAGE}`);
  return n;
}
