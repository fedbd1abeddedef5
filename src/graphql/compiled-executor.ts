/**
 * Executes an operation the server has seen before through graphql-jit, which compiles it into a
 * function of its own; the first sightings go through graphql-js as Apollo would run them.
 *
 * Why: a cells page of 100 resolves some 1,200 fields, and graphql-js's generic walk over them
 * (completeValue, a path and a resolve info per field) was most of a page's server time, about six
 * times what the compiled function takes. Clients repeat their operations (a dashboard polls one
 * page, CI pages on through one query), so compiling from the second sighting pays off, while a
 * one-off query (a first diff page, an attacker's stream of distinct ones) never waits for a
 * compiler. Apollo takes a custom executor only through its gateway interface, which is why this is
 * shaped as one: Apollo still parses, validates and runs every plugin hook before calling it.
 */
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { Kind, execute, type DocumentNode, type ExecutionResult, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

export interface CompiledExecutorOptions {
  /** Sightings of an operation run by graphql-js before it is compiled (0: compile at once). */
  compileAfter: number;
  /** Operations remembered (counted or compiled); the least recently used are forgotten. */
  maxOperations: number;
  /**
   * Larger operations (fields in the query text once fragments are expanded) are never compiled:
   * compiling takes about 0.1 ms a field on the event loop (1,000 aliased fields: 190 ms), and a
   * client's real queries are a few dozen fields however many items they return.
   */
  maxFields: number;
}

export const DEFAULT_COMPILED_EXECUTOR: CompiledExecutorOptions = { compileAfter: 1, maxOperations: 512, maxFields: 256 };

/** What the executor knows of one operation: how often it was seen, and its compiled form once made. */
interface Known {
  seen: number;
  /** null: graphql-jit refused it; graphql-js runs it every time. */
  compiled?: CompiledQuery | null;
}

/** Counts of how requests were executed, for tests and the bench. */
export interface ExecutorStats {
  interpreted: number;
  compiled: number;
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

/** graphql-js puts errors before data; answers are the same bytes whichever executor ran. */
function inGraphqlJsOrder(result: ExecutionResult): ExecutionResult {
  return result.errors ? { errors: result.errors, data: result.data } : result;
}

/** The gateway Apollo is given in place of a schema: this schema, executed as described above. */
export function compiledExecutorGateway(schema: GraphQLSchema, options: CompiledExecutorOptions = DEFAULT_COMPILED_EXECUTOR): CompiledExecutorGateway {
  const known = new LRUCache<string, Known>({ max: options.maxOperations });
  const stats: ExecutorStats = { interpreted: 0, compiled: 0 };

  const compiledFor = (key: string, ctx: Parameters<Executor>[0]): CompiledQuery | null => {
    let entry = known.get(key);
    if (!entry) known.set(key, (entry = { seen: 0 }));
    entry.seen++;
    if (entry.compiled === undefined && entry.seen > options.compileAfter) {
      if (fieldsOf(ctx.operation.selectionSet, ctx.document, options.maxFields) > options.maxFields) return (entry.compiled = null);
      const compiled = compileQuery(schema, ctx.document, ctx.operationName ?? undefined, { disablingCapturingStackErrors: true });
      entry.compiled = isCompiledQuery(compiled) ? compiled : null;
    }
    return entry.compiled ?? null;
  };

  const executor: Executor = async (ctx) => {
    // queryHash is the query text's sha256 (Apollo's own); one text can hold several operations.
    const compiled = compiledFor(`${ctx.queryHash}:${ctx.operationName ?? ''}`, ctx);
    const variables = ctx.request.variables ?? {};
    if (compiled) {
      stats.compiled++;
      return inGraphqlJsOrder(await compiled.query(undefined, ctx.context, variables));
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
      known.clear();
    },
  };
}
