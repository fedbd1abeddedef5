/**
 * Apollo Server with limits: query depth (graphql-depth-limit) and cost (graphql-query-complexity,
 * list fields weighted by `first`). Apollo's cache-control and inline-trace plugins are disabled:
 * nothing here uses them and they cost time on every field of large responses; usage reporting
 * is off (no graph ref). Internal errors are logged and answered as INTERNAL_SERVER_ERROR.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { makeExecutableSchema } from './executable-schema';
import type { Context } from './context';

export const MAX_DEPTH = 10;
/** A 1,000-cell page of stored fields costs about 20,000; recomputed outcomes cost far more. */
export const MAX_COST = 50_000;

/** Fields that run the engine again cost more than reading stored values. */
const FIELD_COSTS: Record<string, number> = { 'Cell.outcome': 50, 'Outcome.trace': 10, 'Query.firstRegression': 200, 'Query.evaluate': 20 };

const fieldCostEstimator: ComplexityEstimator = ({ type, field, childComplexity }) => {
  const cost = FIELD_COSTS[`${type.name}.${field.name}`];
  return cost === undefined ? undefined : cost + childComplexity;
};

/** A list field costs its children times `first` (connections default to their page size). */
const firstEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : undefined;
  return first === undefined ? undefined : 1 + childComplexity * Math.max(1, first);
};

function costLimit(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const cost = getComplexity({
            schema, query: document, variables: request.variables ?? {}, operationName: request.operationName ?? undefined,
            estimators: [fieldCostEstimator, firstEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          if (cost > MAX_COST) {
            throw new GraphQLError(`query cost ${cost} exceeds the limit of ${MAX_COST}: ask for fewer items per page or fewer fields`, {
              extensions: { code: 'QUERY_TOO_COSTLY', cost, limit: MAX_COST },
            });
          }
        },
      };
    },
  };
}

const CODED = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'QUERY_TOO_COSTLY', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

export function createApolloServer(log: (err: unknown) => void = () => undefined): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: makeExecutableSchema(),
    validationRules: [depthLimit(MAX_DEPTH)],
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginUsageReportingDisabled(), costLimit()],
    formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
      const code = formatted.extensions?.code;
      if (formatted.message.includes('exceeds maximum operation depth')) {
        return { message: formatted.message, extensions: { code: 'QUERY_TOO_DEEP', limit: MAX_DEPTH } };
      }
      if (typeof code === 'string' && CODED.has(code)) return formatted;
      log(error);
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    },
  });
}
