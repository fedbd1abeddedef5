/**
 * Hostile GraphQL requests through HTTP: every client mistake is refused with a 4xx and a code
 * before anything executes, never a 500, and nothing is stored.
 */
import fc from 'fast-check';
import { SMALL_MATRIX, startTestServer, type TestServer } from '../http/helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  const created = await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
  expect(created.errors).toBeUndefined();
}, 30_000);

afterAll(async () => {
  await server.queue.idle();
  await server.dispose();
});

async function post(body: string, contentType = 'application/json') {
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType, ...server.auth }, body });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

const gql = (query: string, variables?: unknown) => post(JSON.stringify({ query, variables }));

async function stored(): Promise<{ matrices: number; runs: number }> {
  const r = await server.gql<{ matrices: { totalCount: number }; runs: { totalCount: number } }>('{ matrices { totalCount } runs { totalCount } }');
  return { matrices: r.data!.matrices.totalCount, runs: r.data!.runs.totalCount };
}

const CREATE = 'mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }';

test('When variables have the wrong type, are missing, overflow an Int or name no enum value, then 400 BAD_USER_INPUT and nothing is stored', async () => {
  const before = await stored();
  const cases: [string, unknown][] = [
    ['query($f: Int) { matrices(first: $f) { totalCount } }', { f: 'abc' }],
    ['query($f: Int!) { matrices(first: $f) { totalCount } }', {}],
    ['query($f: Int) { matrices(first: $f) { totalCount } }', { f: 1e12 }],
    ['query($a: Axis!) { heatmap(run: "1", rows: $a, columns: KERNEL) { rows } }', { a: 'NOT_AN_AXIS' }],
    [CREATE, { input: { ...SMALL_MATRIX, name: 'typo', archs: 's390x', colour: 'red' } }],
    [CREATE, { input: { ...SMALL_MATRIX, name: 'numbers', kernels: [5.14] } }],
    ['mutation($m: String!) { startRun(matrix: $m) { id } }', { m: null }],
  ];
  for (const [query, variables] of cases) {
    const r = await gql(query, variables);
    expect({ query, status: r.status, code: r.body.errors?.[0].extensions?.code }).toEqual({ query, status: 400, code: 'BAD_USER_INPUT' });
  }
  expect(await stored()).toEqual(before);
});

test('When fragments spread each other in a cycle or name no fragment, then 400 GRAPHQL_VALIDATION_FAILED', async () => {
  const cycle = await gql('query { ...A } fragment A on Query { matrices { totalCount } ...B } fragment B on Query { ...A }');
  expect(cycle.status).toBe(400);
  expect(cycle.body.errors![0]).toMatchObject({ message: expect.stringContaining('Cannot spread fragment "A" within itself'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  const selfSpread = await gql('{ ...A } fragment A on Query { ...A }');
  expect(selfSpread).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } });
  const unknown = await gql('{ ...Nowhere }');
  expect(unknown).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } });
});

test('When fragments double up forty times (2^40 selections), then 400 QUERY_TOO_COSTLY without expanding them', async () => {
  let query = '{ ...F40 } fragment F0 on Query { matrices { totalCount } }';
  for (let i = 1; i <= 40; i++) query += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
  // Expanding 2^40 selections would never answer: the test's own timeout is the bound.
  const r = await gql(query);
  expect(r).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'QUERY_TOO_COSTLY' } }] } });
});

test('When a query is too costly, then 400 QUERY_TOO_COSTLY with the cost and the limit', async () => {
  const r = await gql('{ cells(run: "1", first: 1000) { edges { node { outcome { trace { seq phase actor action detail } } } } } }');
  expect(r.status).toBe(400);
  expect(r.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', limit: 50_000 });
  expect(r.body.errors![0].extensions).not.toHaveProperty('http');
});

test('When a subscription is asked for, then 400 BAD_REQUEST saying to poll instead', async () => {
  const r = await gql('subscription { runs { totalCount } }');
  expect(r.status).toBe(400);
  expect(r.body.errors![0]).toMatchObject({ message: expect.stringContaining('poll'), extensions: { code: 'BAD_REQUEST' } });
});

test('When the body is in a charset the server cannot read, or compressed in an unknown way, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
  const body = JSON.stringify({ query: '{ matrices { totalCount } }' });
  const latin1 = await post(body, 'application/json; charset=latin1');
  expect(latin1).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('UTF-8') } } });
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, body });
  expect(res.status).toBe(415);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  const utf8 = await post(body, 'application/json; charset=UTF-8');
  expect(utf8).toMatchObject({ status: 200, body: { data: { matrices: { totalCount: 1 } } } });
});

test('When a createMatrix body is over the size limit, then 413 PAYLOAD_TOO_LARGE and no matrix', async () => {
  const before = await stored();
  const input = { ...SMALL_MATRIX, name: 'huge', kernels: Array.from({ length: 40_000 }, (_, i) => `5.${i}`) };
  const r = await gql(CREATE, { input });
  expect(r).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  expect(await stored()).toEqual(before);
});

test('When a matrices or runs cursor names an id no store holds (past 2^31 - 1, or negative), then BAD_USER_INPUT on after, not a store error', async () => {
  const cursor = (kind: string, n: number) => Buffer.from(`${kind}:${n}`).toString('base64url');
  const asked = [
    ['query($a: String) { matrices(after: $a) { totalCount } }', cursor('matrix', 2 ** 31)],
    ['query($a: String) { runs(after: $a) { totalCount } }', cursor('run', 2 ** 31)],
    ['query($a: String) { runs(after: $a) { totalCount } }', cursor('run', -5)],
  ];
  for (const [query, a] of asked) {
    const r = await gql(query, { a });
    expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  }
  // The largest id there can be is still a cursor (runs come newest first: the page holds those below it).
  expect((await gql('query($a: String) { runs(after: $a) { totalCount } }', { a: cursor('run', 2 ** 31 - 1) })).body.errors).toBeUndefined();
});

describe('fuzzed requests', () => {
  const queries = [
    '{ matrices { totalCount edges { node { name positions } } } }',
    'query($f: Int, $a: String) { matrices(first: $f, after: $a) { totalCount } }',
    'query($id: ID!, $f: CellFilter, $n: Int) { cells(run: $id, filter: $f, first: $n) { totalCount edges { node { id verdict } } } }',
    'query($id: ID!, $r: Axis!, $c: Axis!) { heatmap(run: $id, rows: $r, columns: $c) { rows columns } }',
    'query($i: CombinationInput!) { evaluate(input: $i) { verdict } }',
    'mutation($input: MatrixInput!) { createMatrix(input: $input) { name positions } }',
    'mutation($m: String!) { startRun(matrix: $m) { id } }',
    'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
  ];
  const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(1e12, -1, 2 ** 31, 'ARCH', '', 's390x', null));
  const variables = fc.dictionary(fc.constantFrom('f', 'a', 'id', 'n', 'r', 'c', 'i', 'input', 'm', 'extra'), json, { maxKeys: 4 });
  const body = fc.oneof(
    fc.record({ query: fc.constantFrom(...queries), variables: fc.option(variables, { nil: undefined }) }).map((b) => JSON.stringify(b)),
    // Truncated and garbled bodies.
    fc.tuple(fc.constantFrom(...queries), fc.nat({ max: 120 })).map(([q, n]) => JSON.stringify({ query: q }).slice(0, n)),
    fc.record({ query: fc.oneof(fc.string(), fc.constant(5), fc.constant(null)), variables: json }).map((b) => JSON.stringify(b)),
  );
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/graphql-response+json');

  test('When 300 random requests arrive, then none is answered 500 or INTERNAL_SERVER_ERROR, and nothing is stored', async () => {
    const before = await stored();
    await fc.assert(fc.asyncProperty(body, contentType, async (b, type) => {
      const r = await post(b, type);
      // A mutation that is well-formed and valid may succeed; every other answer names the client's mistake.
      expect(r.status).toBeLessThan(500);
      expect(JSON.stringify(r.body)).not.toContain('INTERNAL_SERVER_ERROR');
    }), { numRuns: 300, seed: 9 });
    const after = await stored();
    expect(after.matrices).toBe(before.matrices);
    await server.queue.idle();
  }, 60_000);
});
