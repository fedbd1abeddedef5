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
 * Costs already computed, by parsed document, operation name and variable values: a client
 * repeating a query (Apollo hands back the same parsed document while it is in its document
 * store) is costed once, where walking the document with type information was a fifth of a
 * 100-cell page's server time. One cache for all documents, bounded by its keys' size, so that
 * large or ever-new variables cannot grow it; variables past KEY_LIMIT are costed every time.
 */
const computed = new LRUCache<string, number>({ maxSize: 4 * 1024 * 1024, sizeCalculation: (_cost, key) => key.length });
const KEY_LIMIT = 4096;
/** A number per parsed document (per schema), for the cache's keys; gone with the document. */
const documentIds = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, number>>();
let nextDocumentId = 0;

function documentId(schema: GraphQLSchema, document: DocumentNode): number {
  let ids = documentIds.get(schema);
  if (!ids) documentIds.set(schema, (ids = new WeakMap()));
  let id = ids.get(document);
  if (id === undefined) ids.set(document, (id = nextDocumentId++));
  return id;
}

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
  const key = `${documentId(schema, document)}\u0000${operationName ?? ''}\u0000${JSON.stringify(variables)}`;
  let cost = computed.get(key);
  if (cost === undefined) {
    cost = costOf(schema, document, variables, operationName);
    if (key.length <= KEY_LIMIT) computed.set(key, cost);
  }
  if (cost > MAX_COST) throw tooCostly(cost);
  return cost;
}
