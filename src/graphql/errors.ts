/** Domain errors → GraphQL errors with codes; anything else is internal and never shown. */
import { GraphQLError } from 'graphql';
import { InvalidCombinationError } from '../engine';
import { MatrixExistsError } from '../matrices/types';
import { BadInputError, NotFoundError } from '../runs/errors';
import { TimeBudgetExceeded } from '../runs/time-budget';
import { PatchInUseError } from '../what-if/commands';

/** A spent time budget: the server gave up on this request (503), not the client's mistake in kind. */
const BUDGET_STATUS = 503;

export function badInput(field: string, reason: string): GraphQLError {
  return new GraphQLError(`${field}: ${reason}`, { extensions: { code: 'BAD_USER_INPUT', field, reason } });
}

export function toGraphQLError(err: unknown): unknown {
  if (err instanceof InvalidCombinationError || err instanceof BadInputError) return badInput(err.field, err.reason);
  if (err instanceof NotFoundError) return new GraphQLError(err.message, { extensions: { code: 'NOT_FOUND', kind: err.kind, key: err.key } });
  if (err instanceof PatchInUseError) return new GraphQLError(err.message, { extensions: { code: 'CONFLICT', field: 'id', usedBy: err.users } });
  if (err instanceof MatrixExistsError) return new GraphQLError(err.message, { extensions: { code: 'CONFLICT', field: 'name' } });
  if (err instanceof TimeBudgetExceeded) return new GraphQLError(err.message, { extensions: { code: err.code, budgetMs: err.budgetMs, http: { status: BUDGET_STATUS } } });
  return err;
}

/** Wrap a resolver map so domain errors come out coded. */
export function withErrorCodes<T extends Record<string, Record<string, unknown>>>(resolvers: T): T {
  for (const type of Object.values(resolvers)) {
    for (const [name, resolve] of Object.entries(type)) {
      if (typeof resolve !== 'function') continue;
      type[name] = async (...args: unknown[]) => {
        try {
          return await (resolve as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          throw toGraphQLError(err);
        }
      };
    }
  }
  return resolvers;
}
