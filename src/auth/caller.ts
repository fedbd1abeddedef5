/**
 * Who is calling: found from the `Authorization: Bearer …` header once per request. A header that
 * names no live token is remembered as such, so every check can refuse it the same way.
 */
import { hashToken, sameHash, type Scope, type TokenStore } from './tokens';

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'token'; id: string; name: string; scope: Scope }
  | { kind: 'rejected'; reason: string };

export const ANONYMOUS: Caller = { kind: 'anonymous' };

/** lastUsedAt is written at most this often per token (a write per request would cost every read). */
const TOUCH_EVERY_MS = 60_000;

export async function identify(tokens: TokenStore, authorization: string | undefined, now: Date = new Date()): Promise<Caller> {
  if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!match) return { kind: 'rejected', reason: 'the Authorization header must be "Bearer <token>"' };
  const hash = hashToken(match[1]);
  const found = await tokens.findByHash(hash);
  if (!found || !sameHash(found.hash, hash)) return { kind: 'rejected', reason: 'the token is unknown or was revoked' };
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    // Not awaited: bookkeeping never holds the request up or fails it.
    tokens.touch(found.id, now).catch(() => undefined);
  }
  return { kind: 'token', id: found.id, name: found.name, scope: found.scope };
}
