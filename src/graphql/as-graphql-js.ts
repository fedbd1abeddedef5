/**
 * A graphql-jit result in the shape graphql-js gives the same operation, so that a client cannot
 * tell which executor answered (test/graphql/compiled-executor.test.ts compares the two).
 */
import { GraphQLError, type ExecutionResult } from 'graphql';

/**
 * Where an error's null landed: its path cut at the first null on the way down from `data` (a
 * non-null field's error nulls its nearest nullable ancestor).
 */
function landing(data: ExecutionResult['data'], path: readonly (string | number)[]): string {
  let value: unknown = data;
  for (let i = 0; i < path.length; i++) {
    if (value === null || value === undefined) return path.slice(0, i).join('.');
    value = (value as Record<string | number, unknown>)[path[i]];
  }
  return path.join('.');
}

/**
 * graphql-jit makes the errors of its own checks (a value a scalar cannot serialize, a null in a
 * non-null field, a resolver throwing a plain Error) without `extensions`, where graphql-js gives
 * `{}`; Apollo's error formatting then fails on them and answers before our formatError logs the
 * error. Made again as graphql-js makes them, with the original error kept.
 */
function withExtensions(error: GraphQLError): GraphQLError {
  if (error.extensions) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError ?? undefined,
  });
}

/**
 * - One error per null: graphql-js stops completing an object at the first non-null field that
 *   fails, so sibling failures under the same nulled ancestor are not reported; graphql-jit
 *   reports each.
 * - Errors with `extensions`, as above.
 * - `errors` before `data`, as graphql-js builds its response: the same bytes either way.
 */
export function asGraphqlJs(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const nulled = new Set<string>();
  const errors = result.errors.filter((error) => {
    if (!error.path) return true;
    const at = landing(result.data, error.path);
    if (nulled.has(at)) return false;
    nulled.add(at);
    return true;
  });
  return { errors: errors.map(withExtensions), data: result.data };
}
