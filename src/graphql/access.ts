/**
 * Access in GraphQL: every root field asks `requireAccess` (the auth policy's one check) before
 * it resolves. Mutations need the policy's write scope and a place in the token's per-minute
 * budget (RATE_LIMITED, 429); queries need the read scope (open by default).
 */
import { GraphQLError } from 'graphql';
import { authorize } from '../auth/policy';
import type { Context } from './context';

export function requireAccess(ctx: Context, kind: 'reads' | 'writes', action: string): void {
  const problem = authorize(ctx.caller, ctx.access[kind], action);
  if (problem) throw new GraphQLError(problem.message, { extensions: { code: problem.code, http: { status: problem.status } } });
}

type Resolver = (parent: unknown, args: unknown, ctx: Context, info: unknown) => unknown;

/** Root resolvers that check access first: `query X` / `mutation X` names the action in the message. */
export function guarded<T extends Record<string, unknown>>(kind: 'reads' | 'writes', fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, resolve] of Object.entries(fields)) {
    out[name] = kind === 'reads'
      ? (parent: unknown, args: unknown, ctx: Context, info: unknown) => {
        requireAccess(ctx, kind, `query ${name}`);
        return (resolve as Resolver)(parent, args, ctx, info);
      }
      : async (parent: unknown, args: unknown, ctx: Context, info: unknown) => {
        requireAccess(ctx, kind, `mutation ${name}`);
        const limited = await ctx.writeLimiter.take(ctx.caller);
        if (limited) {
          throw new GraphQLError(limited.message, { extensions: { code: limited.code, retryAfterSeconds: limited.retryAfterSeconds, http: { status: limited.status, headers: new Map([['retry-after', String(limited.retryAfterSeconds)]]) } } });
        }
        return (resolve as Resolver)(parent, args, ctx, info);
      };
  }
  return out as T;
}
