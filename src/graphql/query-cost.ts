/**
 * What an operation may cost, computed before anything executes (graphql-query-complexity).
 * Every field costs 1 plus its children, times `first` on a list (connections default to their
 * page size). Root fields that read a run's whole verdict grid cost a grid read per alias, so
 * aliasing one cheap-looking page twenty times costs twenty grid reads; engine recomputations
 * and writes are priced the same way.
 */
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';

/** A 1,000-cell page of stored fields costs about 20,000; recomputed outcomes cost far more. */
export const MAX_COST = 50_000;
/** Loading or walking one run's verdict grid: about a tenth of an operation's budget. */
export const GRID_READ = 5_000;
/** Selections after expanding fragments; more is refused before costing. */
export const MAX_SELECTIONS = 10_000;

/** Fields that cost more than reading a stored value, per alias. */
const FIELD_COSTS: Record<string, number> = {
  'Query.cells': GRID_READ,
  'Query.cell': GRID_READ,
  'Query.diff': GRID_READ,
  'Query.compareRuns': 2 * GRID_READ,
  // Loads the grid and walks every position.
  'Query.heatmap': 2 * GRID_READ,
  'Query.firstRegression': 200,
  'Query.evaluate': 20,
  'Cell.outcome': 50,
  'Outcome.trace': 10,
  // A run writes one row per shard and keeps a worker busy; a matrix is planned in full.
  'Mutation.startRun': GRID_READ,
  'Mutation.createMatrix': GRID_READ,
};

const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const own = FIELD_COSTS[`${type.name}.${field.name}`] ?? 1;
  const first = typeof args.first === 'number' ? Math.max(1, args.first) : 1;
  return own + childComplexity * first;
};

export function tooCostly(cost: number): GraphQLError {
  return new GraphQLError(`query cost ${cost} exceeds the limit of ${MAX_COST}: ask for fewer items per page, fewer fields or fewer aliases`, {
    extensions: { code: 'QUERY_TOO_COSTLY', cost, limit: MAX_COST, http: { status: 400 } },
  });
}

/**
 * Costs already computed, per schema and parsed document, by operation name and variable values.
 * Apollo keeps one parsed document per query text, so a client repeating a query is costed once:
 * walking the document with type information was a fifth of a 100-cell page's server time.
 */
const computed = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, LRUCache<string, number>>>();
/** Variable sets remembered per document: a client paging through a run sends a new cursor each time. */
const VARIABLE_SETS_PER_DOCUMENT = 64;

function costOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): number {
  try {
    return getComplexity({ schema, query: document, variables, operationName, estimators: [estimator], maxQueryNodes: MAX_SELECTIONS });
  } catch (err) {
    // The only refusal getComplexity makes of a valid operation: more nodes than maxQueryNodes.
    if (err instanceof GraphQLError && /maximum allowed number of nodes/.test(err.message)) return Infinity;
    throw err;
  }
}

/** The operation's cost; throws QUERY_TOO_COSTLY above MAX_COST. Variables must already be valid. */
export function checkCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName: string | undefined): number {
  let documents = computed.get(schema);
  if (!documents) computed.set(schema, (documents = new WeakMap()));
  let costs = documents.get(document);
  if (!costs) documents.set(document, (costs = new LRUCache({ max: VARIABLE_SETS_PER_DOCUMENT })));
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables)}`;
  let cost = costs.get(key);
  if (cost === undefined) {
    cost = costOf(schema, document, variables, operationName);
    costs.set(key, cost);
  }
  if (cost > MAX_COST) throw tooCostly(cost);
  return cost;
}
