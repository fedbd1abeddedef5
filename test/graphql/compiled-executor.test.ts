/**
 * The compiled executor (graphql-jit) answers every operation exactly as graphql-js does: the same
 * JSON, byte for byte, and the same HTTP status, for every field of every type the schema has,
 * for client mistakes and domain errors, for fragments, aliases, directives and introspection.
 */
import type { ApolloServer } from '@apollo/server';
import { getIntrospectionQuery, getNamedType, isObjectType, isNonNullType, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';
import { createContext, type Context } from '../../src/graphql/context';
import { makeExecutableSchema } from '../../src/graphql/executable-schema';
import { compiledExecutorGateway, type CompiledExecutorGateway } from '../../src/graphql/compiled-executor';
import { createApolloServer } from '../../src/graphql/server';
import { SMALL_MATRIX, startTestServer, type TestServer } from '../http/helpers';

let server: TestServer;
let interpreted: ApolloServer<Context>;
let compiled: ApolloServer<Context>;
const schema = makeExecutableSchema();
const interpreting = compiledExecutorGateway(schema, { compileAfter: Infinity, maxOperations: 64, maxFields: Infinity });
const compiling = compiledExecutorGateway(schema, { compileAfter: 0, maxOperations: 64, maxFields: Infinity });
let runs: [string, string];

beforeAll(async () => {
  server = await startTestServer();
  expect((await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX })).errors).toBeUndefined();
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    ids.push((await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }')).data!.startRun.id);
    await server.queue.idle();
  }
  runs = [ids[0], ids[1]];
  interpreted = createApolloServer(undefined, interpreting);
  compiled = createApolloServer(undefined, compiling);
  await Promise.all([interpreted.start(), compiled.start()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([interpreted?.stop(), compiled?.stop()]);
  await server?.dispose();
});

/** A selection set of every field of `type` that takes no required argument, `depth` levels down. */
function everything(type: GraphQLObjectType, depth: number): string {
  const fields = Object.values(type.getFields())
    .filter((f) => !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined))
    .flatMap((f) => {
      const named: GraphQLNamedType = getNamedType(f.type);
      if (!isObjectType(named)) return [f.name];
      return depth > 0 ? [`${f.name} ${everything(named, depth - 1)}`] : [];
    });
  return `{ ${fields.join(' ')} }`;
}

const all = (typeName: string, depth = 4) => everything(schema.getType(typeName) as GraphQLObjectType, depth);

const S390_BLK = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1', kernel: '5.14', strategy: 'pre-fix', config: { blk_size: 4096 } };

/** Operations, their variables and operation name; `$a`/`$b` are the two runs. */
function corpus(): [string, string, Record<string, unknown>, string?][] {
  const [a, b] = runs;
  return [
    ['evaluate, every field', `query($c: CombinationInput!) { evaluate(input: $c) ${all('Outcome')} }`, { c: S390_BLK }],
    ['evaluate, an invalid combination', `query($c: CombinationInput!) { evaluate(input: $c) { verdict } }`, { c: { ...S390_BLK, transport: 'mmio-nope' } }],
    ['profiles, every field', `{ profiles ${all('Profiles', 3)} }`, {}],
    ['matrices, paged', `{ matrices(first: 1) ${all('MatrixConnection', 3)} }`, {}],
    ['one matrix and a missing one', `{ matrix(name: "small") ${all('Matrix', 2)} none: matrix(name: "nope") { name } }`, {}],
    ['runs, every field', `{ runs(first: 5) ${all('RunConnection', 3)} }`, {}],
    ['a run and a missing one', `query($a: ID!) { run(id: $a) ${all('Run', 2)} none: run(id: "99999") { id } }`, { a }],
    ['kernel artifacts', `{ kernelArtifacts ${all('KernelArtifact', 2)} }`, {}],
    ['cells, every field', `query($a: ID!) { cells(run: $a, first: 30) ${all('CellConnection', 4)} }`, { a }],
    ['cells, filtered, second page', `query($a: ID!, $after: String) { cells(run: $a, filter: { arch: ["s390x"], verdict: [BROKEN, DEGRADED] }, first: 5, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { id verdict effective negotiated } } } }`, { a, after: null }],
    ['cells of a missing run', `{ cells(run: "99999") { edges { node { id } } } }`, {}],
    ['cells with a filter value not in the run', `query($a: ID!) { cells(run: $a, filter: { kernel: ["1.0"] }) { edges { node { id } } } }`, { a }],
    ['one cell, and a position holding none', `query($a: ID!) { cell(run: $a, position: 0) ${all('Cell', 3)} far: cell(run: $a, position: 1000000) { id } }`, { a }],
    ['diff, every field', `query($a: ID!) { diff(run: $a, axis: STRATEGY, base: "pre-fix", head: "write-back", first: 10) ${all('DiffConnection', 4)} }`, { a }],
    ['diff, a value not on the axis', `query($a: ID!) { diff(run: $a, axis: KERNEL, base: "5.14", head: "9.9") { totalCount } }`, { a }],
    ['compareRuns', `query($a: ID!, $b: ID!) { compareRuns(base: $a, head: $b) { totalCount regressions fixes changes edges { node { transition } } } }`, { a, b }],
    ['heatmap', `query($a: ID!) { heatmap(run: $a, rows: KERNEL, columns: STRATEGY, filter: { arch: ["s390x"] }) ${all('Heatmap', 3)} }`, { a }],
    ['firstRegression', `query($c: CombinationInput!) { firstRegression(cell: $c, axis: KERNEL) ${all('FirstRegression', 3)} }`, { c: { ...S390_BLK, kernel: '5.15', strategy: 'as-shipped' } }],
    ['fragments, aliases, directives and __typename', `query($a: ID!, $yes: Boolean!) { r: run(id: $a) { ...R __typename } c: cells(run: $a, first: 3) { edges { node { ... on Cell { id v: verdict } effective @include(if: $yes) negotiated @skip(if: $yes) } } } } fragment R on Run { id status }`, { a, yes: true }],
    ['two operations in one document, the second chosen', `query One { profiles { archs { name } } } query Two { matrices { totalCount } }`, {}, 'Two'],
    ['introspection', getIntrospectionQuery(), {}],
  ];
}

async function answer(apollo: ApolloServer<Context>, query: string, variables: Record<string, unknown>, operationName?: string) {
  const response = await apollo.executeOperation({ query, variables, operationName }, { contextValue: createContext(server.services) });
  if (response.body.kind !== 'single') throw new Error('incremental delivery is not used here');
  return { status: response.http.status ?? 200, json: JSON.stringify(response.body.singleResult) };
}

test('Every operation of the corpus answers the same JSON and status compiled as through graphql-js', async () => {
  const cases = corpus();
  for (const [label, query, variables, operationName] of cases) {
    const expected = await answer(interpreted, query, variables, operationName);
    const actual = await answer(compiled, query, variables, operationName);
    expect({ label, ...actual }).toEqual({ label, ...expected });
  }
  // Both paths really ran each operation that reached execution (client mistakes never do).
  expect(compiling.stats.interpreted).toBe(0);
  expect(interpreting.stats.compiled).toBe(0);
  expect(compiling.stats.compiled).toBe(interpreting.stats.interpreted);
  expect(compiling.stats.compiled).toBe(cases.length);
}, 60_000);

test('Domain errors in the corpus come out coded the same both ways (the corpus holds errors, not only data)', async () => {
  const codes: string[] = [];
  for (const [, query, variables, operationName] of corpus()) {
    const { json } = await answer(compiled, query, variables, operationName);
    for (const e of (JSON.parse(json) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []) codes.push(String(e.extensions?.code));
  }
  expect(new Set(codes)).toEqual(new Set(['BAD_USER_INPUT', 'NOT_FOUND']));
}, 60_000);

test('An operation runs through graphql-js until it has been seen compileAfter times, then compiled; each operation of a document counts apart', async () => {
  const gateway = compiledExecutorGateway(schema, { compileAfter: 1, maxOperations: 2, maxFields: 256 });
  const apollo = createApolloServer(undefined, gateway);
  await apollo.start();
  try {
    const doc = 'query One { profiles { archs { name } } } query Two { matrices { totalCount } }';
    const first = await answer(apollo, doc, {}, 'One');
    expect(gateway.stats).toEqual({ interpreted: 1, compiled: 0 });
    expect(await answer(apollo, doc, {}, 'One')).toEqual(first);
    expect(gateway.stats).toEqual({ interpreted: 1, compiled: 1 });
    await answer(apollo, doc, {}, 'Two');
    expect(gateway.stats).toEqual({ interpreted: 2, compiled: 1 });
    // At most two operations are remembered: a third forgets the least recently used (One).
    await answer(apollo, '{ runs { totalCount } }', {});
    await answer(apollo, doc, {}, 'One');
    expect(gateway.stats).toEqual({ interpreted: 4, compiled: 1 });
  } finally {
    await apollo.stop();
  }
});

test('An operation of more than maxFields fields, counted through fragments, is never compiled however often it is seen', async () => {
  const gateway = compiledExecutorGateway(schema, { compileAfter: 0, maxOperations: 8, maxFields: 10 });
  const apollo = createApolloServer(undefined, gateway);
  await apollo.start();
  try {
    // 2 fields in the fragment, spread 5 times under 1 field each: 15 fields, 10 of them through the fragment.
    const large = `{ ${Array.from({ length: 5 }, (_, i) => `a${i}: profiles { ...P }`).join(' ')} } fragment P on Profiles { hash strategies }`;
    const small = `{ a0: profiles { ...P } } fragment P on Profiles { hash strategies }`;
    for (let i = 0; i < 3; i++) await answer(apollo, large, {});
    expect(gateway.stats).toEqual({ interpreted: 3, compiled: 0 });
    for (let i = 0; i < 3; i++) await answer(apollo, small, {});
    expect(gateway.stats).toEqual({ interpreted: 3, compiled: 3 });
  } finally {
    await apollo.stop();
  }
});
