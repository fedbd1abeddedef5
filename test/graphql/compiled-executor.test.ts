/**
 * The compiled executor (graphql-jit) answers every operation exactly as graphql-js does: the same
 * JSON, byte for byte, and the same HTTP status, for every field of every type the schema has,
 * for client mistakes and domain errors, for fragments, aliases, directives and introspection.
 */
import type { ApolloServer } from '@apollo/server';
import { randomBytes } from 'node:crypto';
import { getIntrospectionQuery, getNamedType, isObjectType, isNonNullType, type GraphQLNamedType, type GraphQLObjectType } from 'graphql';
import type { Caller } from '../../src/auth/caller';
import { createContext, type Context, type Services } from '../../src/graphql/context';
import { DEFAULT_COMPILED_EXECUTOR, compiledExecutorGateway } from '../../src/graphql/compiled-executor';
import { makeExecutableSchema } from '../../src/graphql/executable-schema';
import { createApolloServer } from '../../src/graphql/server';
import { githubHeaders, githubPush } from '../support/ci-payloads';
import { SMALL_MATRIX, startTestServer, type TestServer } from '../http/helpers';

const GITHUB_SECRET = 'gh-secret-compiled';
let server: TestServer;
let interpreted: ApolloServer<Context>;
let compiled: ApolloServer<Context>;
const schema = makeExecutableSchema();
const interpreting = compiledExecutorGateway(schema, { ...DEFAULT_COMPILED_EXECUTOR, compileAfter: Infinity });
const compiling = compiledExecutorGateway(schema, { compileAfter: 0, maxFields: Infinity, maxCompiledFields: 1e9, compilesPerMinute: Infinity });
/** Internal errors each server logged, by message. */
const logged = { interpreted: [] as string[], compiled: [] as string[] };
/** A run started through startRun, and one started by a GitHub push (it has a delivery). */
let runs: [string, string];

beforeAll(async () => {
  server = await startTestServer({ githubWebhookSecret: GITHUB_SECRET });
  expect((await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX })).errors).toBeUndefined();
  const first = (await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }')).data!.startRun.id;
  await server.queue.idle();
  const push = JSON.stringify(githubPush());
  const hooked = await fetch(`${server.url}/webhooks/github?matrix=small`, { method: 'POST', headers: githubHeaders(GITHUB_SECRET, 'push', push), body: push });
  const second = ((await hooked.json()) as { runId: string }).runId;
  await server.queue.idle();
  runs = [first, second];
  const image = await fetch(`${server.url}/api/artifacts?arch=s390x&linux=6.1.192&strategy=pre-fix`, { method: 'PUT', body: randomBytes(3000), headers: { 'content-type': 'application/octet-stream', ...server.auth } });
  expect(image.status).toBe(201);
  interpreted = createApolloServer((err) => logged.interpreted.push((err as Error).message), interpreting);
  compiled = createApolloServer((err) => logged.compiled.push((err as Error).message), compiling);
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
    ['the run a GitHub push started, with its delivery', `query($b: ID!) { run(id: $b) ${all('Run', 2)} }`, { b }],
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
    ['two failures under one nullable parent (one error, as graphql-js stops at the first)', `{ matrix(name: "small") { name a: runs(after: "bad") { totalCount } b: runs(after: "worse") { totalCount } } }`, {}],
    ['a failure in each of two list items', `{ matrices { edges { node { name runs(after: "bad") { totalCount } } } } }`, {}],
    ['a mutation refused for its input', `mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }`, { input: { ...SMALL_MATRIX, name: 'other', archs: ['vax'] } }],
    ['a mutation in conflict', `mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }`, { input: SMALL_MATRIX }],
  ];
}

/** Operations whose resolvers fail inside: the store failing as a lost database connection would. */
const FAILING_STORE = [
  ['a run read failing', `query($a: ID!) { run(id: $a) { id status } }`],
  ['a list read failing', `{ runs { totalCount edges { node { id } } } }`],
] as const;

/** The server's services with every store read rejecting (ECONNREFUSED). */
function failingServices(): Services {
  const store = new Proxy(server.services.store, {
    get: (target, key) => {
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? () => Promise.reject(new Error(`connect ECONNREFUSED 127.0.0.1:5432 (${String(key)})`)) : value;
    },
  });
  return { ...server.services, store };
}

/** An Apollo server over `gateway`, started for `use` and stopped after it. */
async function withApollo(gateway: ReturnType<typeof compiledExecutorGateway>, use: (apollo: ApolloServer<Context>) => Promise<void>): Promise<void> {
  const apollo = createApolloServer(undefined, gateway);
  await apollo.start();
  try {
    await use(apollo);
  } finally {
    await apollo.stop();
  }
}

const OPERATOR: Caller = { kind: 'token', id: '1', name: 'test', scope: 'admin' };

async function answer(apollo: ApolloServer<Context>, query: string, variables: Record<string, unknown>, operationName?: string, services: Services = server.services) {
  const response = await apollo.executeOperation({ query, variables, operationName }, { contextValue: createContext(services, OPERATOR) });
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

test('Internal errors answer the same both ways, and both servers log them (Apollo formats graphql-jit\'s own errors only once they have extensions)', async () => {
  logged.interpreted.length = 0;
  logged.compiled.length = 0;
  for (const [label, query] of FAILING_STORE) {
    const expected = await answer(interpreted, query, { a: runs[0] }, undefined, failingServices());
    const actual = await answer(compiled, query, { a: runs[0] }, undefined, failingServices());
    expect({ label, ...actual }).toEqual({ label, ...expected });
    expect(JSON.parse(actual.json).errors[0]).toMatchObject({ message: 'Internal server error', path: expect.any(Array), extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
  expect(logged.compiled).toEqual(logged.interpreted);
  expect(logged.compiled).toHaveLength(FAILING_STORE.length);
  expect(logged.compiled[0]).toMatch(/ECONNREFUSED/);
});

test('The corpus reaches every kind of value: domain errors, a run with a delivery, a kernel artifact', async () => {
  const codes: string[] = [];
  const answers: string[] = [];
  for (const [, query, variables, operationName] of corpus()) {
    const { json } = await answer(compiled, query, variables, operationName);
    answers.push(json);
    for (const e of (JSON.parse(json) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []) codes.push(String(e.extensions?.code));
  }
  const all = answers.join('\n');
  expect(all).toMatch(/"delivery":\{[^}]*"source":"GITHUB"/);
  expect(all).toMatch(/"kernelArtifacts":\[\{"id":"[0-9a-f]{64}"/);
  expect(new Set(codes)).toEqual(new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']));
}, 60_000);

test('An operation runs through graphql-js until it has been seen compileAfter times, then compiled; each operation of a document counts apart', async () => {
  const gateway = compiledExecutorGateway(schema, { compileAfter: 1, maxFields: 256, maxCompiledFields: 1000, compilesPerMinute: 60 });
  await withApollo(gateway, async (apollo) => {
    const doc = 'query One { profiles { archs { name } } } query Two { matrices { totalCount } }';
    const first = await answer(apollo, doc, {}, 'One');
    expect(gateway.stats).toEqual({ interpreted: 1, compiled: 0, compilations: 0 });
    expect(await answer(apollo, doc, {}, 'One')).toEqual(first);
    expect(await answer(apollo, doc, {}, 'One')).toEqual(first);
    expect(gateway.stats).toEqual({ interpreted: 1, compiled: 2, compilations: 1 });
    await answer(apollo, doc, {}, 'Two');
    expect(gateway.stats).toEqual({ interpreted: 2, compiled: 2, compilations: 1 });
  });
});

test('Compiled operations are kept by their fields: one that would pass maxCompiledFields pushes out the least recently used', async () => {
  const gateway = compiledExecutorGateway(schema, { compileAfter: 0, maxFields: 256, maxCompiledFields: 5, compilesPerMinute: 60 });
  await withApollo(gateway, async (apollo) => {
    const three = '{ profiles { hash strategies } }'; // 3 fields
    const two = '{ matrices { totalCount } }'; // 2 fields
    const four = '{ runs { totalCount pageInfo { hasNextPage } } }'; // 4 fields
    for (const q of [three, two, three, two]) await answer(apollo, q, {});
    expect(gateway.stats.compilations).toBe(2); // 5 fields kept: both
    await answer(apollo, four, {}); // 9 fields: `three` (least recently used) goes, then `two`
    await answer(apollo, three, {});
    expect(gateway.stats.compilations).toBe(4);
  });
});

test('At most compilesPerMinute compilations: past them operations run through graphql-js until the next minute', async () => {
  let clock = 60_000 * 1000;
  const gateway = compiledExecutorGateway(schema, { compileAfter: 0, maxFields: 256, maxCompiledFields: 1000, compilesPerMinute: 2 }, () => clock);
  await withApollo(gateway, async (apollo) => {
    const distinct = Array.from({ length: 4 }, (_, i) => `{ m${i}: matrices { totalCount } }`);
    for (const q of distinct) await answer(apollo, q, {});
    expect(gateway.stats).toEqual({ interpreted: 2, compiled: 2, compilations: 2 });
    clock += 59_999 - (clock % 60_000); // still the same minute
    await answer(apollo, distinct[2], {});
    expect(gateway.stats.compilations).toBe(2);
    clock += 1; // the next minute
    await answer(apollo, distinct[2], {});
    expect(gateway.stats).toEqual({ interpreted: 3, compiled: 3, compilations: 3 });
  });
});

test('An operation of more than maxFields fields, counted through fragments, is never compiled however often it is seen', async () => {
  const gateway = compiledExecutorGateway(schema, { compileAfter: 0, maxFields: 10, maxCompiledFields: 1000, compilesPerMinute: 60 });
  await withApollo(gateway, async (apollo) => {
    // 2 fields in the fragment, spread 5 times under 1 field each: 15 fields, 10 of them through the fragment.
    const large = `{ ${Array.from({ length: 5 }, (_, i) => `a${i}: profiles { ...P }`).join(' ')} } fragment P on Profiles { hash strategies }`;
    const small = `{ a0: profiles { ...P } } fragment P on Profiles { hash strategies }`;
    for (let i = 0; i < 3; i++) await answer(apollo, large, {});
    expect(gateway.stats).toEqual({ interpreted: 3, compiled: 0, compilations: 0 });
    for (let i = 0; i < 3; i++) await answer(apollo, small, {});
    expect(gateway.stats).toEqual({ interpreted: 3, compiled: 3, compilations: 1 });
  });
});
