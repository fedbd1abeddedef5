/**
 * Apollo Server with limits, all checked before a resolver runs: fragments expanded to at most
 * MAX_SELECTIONS (Apollo's own rule, which also runs graphql-js's checks for fragment cycles and
 * unknown fragments before ours), query depth (graphql-depth-limit), variable values, and cost
 * (./query-cost). Subscriptions are refused. Apollo's cache-control and inline-trace plugins are
 * disabled: nothing here uses them and they cost time on every field of large responses; usage
 * reporting is off (no graph ref); signals are the CLI's to handle. Operations seen before run
 * compiled (./compiled-executor). Client mistakes answer 400
 * with a code; anything else is logged and answered as INTERNAL_SERVER_ERROR.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { makeExecutableSchema } from './executable-schema';
import type { Context } from './context';
import { compiledExecutorGateway, type CompiledExecutorGateway } from './compiled-executor';
import { MAX_SELECTIONS, checkCost } from './query-cost';

export { MAX_COST } from './query-cost';
export const MAX_DEPTH = 10;

const BAD_REQUEST = { status: 400 };

/** Refusals made once the operation is known: unsupported operation kinds, bad variables, cost. */
function operationLimits(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (!operation) return; // Apollo has refused the request already
          if (operation.operation === 'subscription') {
            throw new GraphQLError('subscriptions are not supported: poll run(id) { status progress } instead', {
              extensions: { code: 'BAD_REQUEST', http: BAD_REQUEST },
            });
          }
          // Coerced here, as execution would, so a bad value is refused before it is costed.
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 1 });
          if (coerced.errors) {
            throw new GraphQLError(coerced.errors[0].message, { extensions: { code: 'BAD_USER_INPUT', http: BAD_REQUEST } });
          }
          checkCost(schema, document, request.variables ?? {}, request.operationName ?? undefined);
        },
      };
    },
  };
}

const CODED = new Set(['TIME_BUDGET_EXCEEDED', 'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'QUERY_TOO_COSTLY', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * `gateway`: the schema and how it is executed (./compiled-executor); tests give one that compiles
 * every operation, or none.
 */
export function createApolloServer(log: (err: unknown) => void = () => undefined, gateway: CompiledExecutorGateway = compiledExecutorGateway(makeExecutableSchema())): ApolloServer<Context> {
  return new ApolloServer<Context>({
    gateway,
    maxRecursiveSelections: MAX_SELECTIONS,
    validationRules: [depthLimit(MAX_DEPTH)],
    includeStacktraceInErrorResponses: false,
    // Apollo's default indents every response: a third of a 100-cell page's time under load.
    stringifyResult: (result) => JSON.stringify(result),
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginUsageReportingDisabled(), operationLimits()],
    formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
      const code = formatted.extensions?.code;
      if (formatted.message.includes('exceeds maximum operation depth')) {
        return { message: formatted.message, extensions: { code: 'QUERY_TOO_DEEP', limit: MAX_DEPTH } };
      }
      if (formatted.message.includes('recursively requests too many selections')) {
        return { message: `${formatted.message} (at most ${MAX_SELECTIONS} once fragments are expanded)`, extensions: { code: 'QUERY_TOO_COSTLY', limit: MAX_SELECTIONS } };
      }
      if (typeof code === 'string' && CODED.has(code)) return formatted;
      log(error);
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
}
