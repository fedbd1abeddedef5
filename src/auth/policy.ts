/**
 * The one check every entry point makes: may this caller do something that needs `needed`
 * (null: open to anyone)? A token that was sent but names nothing live is refused even where
 * anyone may read, so a revoked CI token is noticed at once rather than on its first write.
 */
import { scopeAllows, type Scope } from './tokens';
import type { Caller } from './caller';

export interface AuthProblem {
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  status: 401 | 403;
  message: string;
}

const HOW = 'send "Authorization: Bearer <token>"; an operator creates one with `npx virtio-matrix token create --name NAME --scope read|run|admin`';

export function authorize(caller: Caller, needed: Scope | null, action: string): AuthProblem | null {
  if (caller.kind === 'rejected') return { code: 'UNAUTHENTICATED', status: 401, message: `${caller.reason}: ${HOW}` };
  if (needed === null) return null;
  if (caller.kind === 'anonymous') return { code: 'UNAUTHENTICATED', status: 401, message: `${action} needs a token with scope ${needed} or above: ${HOW}` };
  if (!scopeAllows(caller.scope, needed)) {
    return { code: 'FORBIDDEN', status: 403, message: `${action} needs scope ${needed} or above; token "${caller.name}" has scope ${caller.scope}` };
  }
  return null;
}

/** What each kind of request needs. */
export interface AccessPolicy {
  /** Queries and GET /api/*: null (open, the default) or 'read' (READS_REQUIRE_TOKEN=1). */
  reads: Scope | null;
  /** Mutations and HTTP writes. */
  writes: Scope;
}

export const OPEN_READS: AccessPolicy = { reads: null, writes: 'run' };

export function accessPolicy(env: NodeJS.ProcessEnv = process.env): AccessPolicy {
  const flag = (env.READS_REQUIRE_TOKEN ?? '').trim().toLowerCase();
  return { reads: ['1', 'true', 'yes', 'on'].includes(flag) ? 'read' : null, writes: 'run' };
}
