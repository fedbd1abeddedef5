/**
 * Executes an operation the server has seen a few times through graphql-jit, which compiles it
 * into a function of its own; the first sightings go through graphql-js as Apollo would run them,
 * and the answer has graphql-js's shape either way (./as-graphql-js).
 *
 * Why: a cells page of 100 resolves some 1,200 fields, and graphql-js's generic walk over them
 * (completeValue, a path and a resolve info per field) was most of a page's server time, about six
 * times what the compiled function takes. Clients repeat their operations (a dashboard polls one
 * page, CI pages on through one query with new variables), so compiling those pays off, while a
 * one-off query (a first diff page) never waits for a compiler. What an anonymous client could
 * make of it is bounded: compiled code's heap by fields kept, its CPU by compilations a minute, and
 * large operations are never compiled.
 *
 * Apollo takes a custom executor only through its gateway interface, which is why this is shaped
 * as one: Apollo still parses, validates and runs every request-level plugin hook before calling
 * it. A field-level hook (willResolveField) would not see compiled operations; none is used.
 */
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { Kind, execute, type DocumentNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { asGraphqlJs } from './as-graphql-js';

type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

export interface CompiledExecutorOptions {
  /** Sightings of an operation run by graphql-js before it is compiled (0: compile at once). */
  compileAfter: number;
  /**
   * Larger operations (fields in the query text once fragments are expanded) are never compiled:
   * compiling takes about 0.1 ms a field on the event loop (1,000 aliased fields: 190 ms) and its
   * code holds about 4.5 KB of heap a field, while a client's real queries are a few dozen fields
   * however many items they return.
   */
  maxFields: number;
  /** Fields of all compiled operations kept (least recently used dropped first): bounds their heap. */
  maxCompiledFields: number;
  /** Compilations a minute at most, after which operations run through graphql-js until the next. */
  compilesPerMinute: number;
}

export const DEFAULT_COMPILED_EXECUTOR: CompiledExecutorOptions = { compileAfter: 2, maxFields: 128, maxCompiledFields: 8192, compilesPerMinute: 60 };

/** Operations whose sightings are counted: a key and a number each. */
const COUNTED_OPERATIONS = 4096;

/** An operation's compiled form, or null when it is not to be compiled (too large, or refused by graphql-jit). */
interface Compiled {
  query: CompiledQuery | null;
  fields: number;
}

/** Counts of how requests were executed, for tests and the bench. */
export interface ExecutorStats {
  interpreted: number;
  compiled: number;
  /** Compilations made. */
  compilations: number;
}

export interface CompiledExecutorGateway extends Gateway {
  stats: ExecutorStats;
}

/**
 * Fields of a selection set with fragments expanded, counted up to just past `limit`. Validation
 * has already refused unknown fragments and fragment cycles.
 */
function fieldsOf(set: SelectionSetNode | undefined, document: DocumentNode, limit: number, counted = 0): number {
  for (const selection of set?.selections ?? []) {
    if (counted > limit) break;
    if (selection.kind === Kind.FIELD) counted = fieldsOf(selection.selectionSet, document, limit, counted + 1);
    else if (selection.kind === Kind.INLINE_FRAGMENT) counted = fieldsOf(selection.selectionSet, document, limit, counted);
    else {
      const name = selection.name.value;
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
      counted = fieldsOf(fragment?.kind === Kind.FRAGMENT_DEFINITION ? fragment.selectionSet : undefined, document, limit, counted);
    }
  }
  return counted;
}

/** The gateway Apollo is given in place of a schema: this schema, executed as described above. */
/** `now`: the clock compilations a minute are counted by (tests set it). */
export function compiledExecutorGateway(schema: GraphQLSchema, options: CompiledExecutorOptions = DEFAULT_COMPILED_EXECUTOR, now: () => number = Date.now): CompiledExecutorGateway {
  // Apart, so that a stream of one-off operations cannot push out the compiled ones clients repeat.
  const sightings = new LRUCache<string, number>({ max: COUNTED_OPERATIONS });
  const compiled = new LRUCache<string, Compiled>({ maxSize: options.maxCompiledFields, sizeCalculation: (c) => (c.query ? Math.max(1, c.fields) : 1) });
  const stats: ExecutorStats = { interpreted: 0, compiled: 0, compilations: 0 };
  const budget = { minute: 0, left: 0 };

  /** Whether this minute's compilations are not spent yet; takes one. */
  const mayCompile = (): boolean => {
    const minute = Math.floor(now() / 60_000);
    if (minute !== budget.minute) Object.assign(budget, { minute, left: options.compilesPerMinute });
    if (budget.left === 0) return false;
    budget.left--;
    return true;
  };

  const compiledFor = (key: string, ctx: Parameters<Executor>[0]): CompiledQuery | null => {
    const known = compiled.get(key);
    if (known) return known.query;
    const seen = (sightings.get(key) ?? 0) + 1;
    sightings.set(key, seen);
    if (seen <= options.compileAfter) return null;
    const fields = fieldsOf(ctx.operation.selectionSet, ctx.document, options.maxFields);
    if (fields > options.maxFields) {
      compiled.set(key, { query: null, fields });
      return null;
    }
    if (!mayCompile()) return null;
    stats.compilations++;
    const made = compileQuery(schema, ctx.document, ctx.operationName ?? undefined, { disablingCapturingStackErrors: true });
    const query = isCompiledQuery(made) ? made : null;
    compiled.set(key, { query, fields });
    sightings.delete(key);
    return query;
  };

  const executor: Executor = async (ctx) => {
    // queryHash is the query text's sha256 (Apollo's own); one text can hold several operations.
    const query = compiledFor(`${ctx.queryHash}:${ctx.operationName ?? ''}`, ctx);
    const variables = ctx.request.variables ?? {};
    if (query) {
      stats.compiled++;
      return asGraphqlJs(await query.query(undefined, ctx.context, variables));
    }
    stats.interpreted++;
    return execute({ schema, document: ctx.document, contextValue: ctx.context, variableValues: variables, operationName: ctx.operationName ?? undefined });
  };

  return {
    stats,
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {
      sightings.clear();
      compiled.clear();
    },
  };
}
