/**
 * Alias amplification: each alias of a root field that reads a run's grid costs a grid read, so
 * twenty aliases of a one-cell page, or two hundred heatmaps, are refused before any resolver runs.
 */
import { GRID_READ, MAX_COST } from '../../src/graphql/query-cost';
import { SMALL_MATRIX, startTestServer, type TestServer } from '../http/helpers';

let server: TestServer;
let runId: string;

beforeAll(async () => {
  server = await startTestServer();
  await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
  const started = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }');
  runId = started.data!.startRun.id;
  await server.queue.idle();
}, 30_000);

afterAll(async () => {
  await server.dispose();
});

const aliases = (n: number, field: (i: number) => string) => Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ');

async function timed(query: string) {
  const started = performance.now();
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...server.auth }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: unknown; errors?: { extensions: { code: string; cost?: number } }[] };
  return { status: res.status, body, ms: performance.now() - started };
}

test('When twenty aliases of a one-cell page arrive, then 400 QUERY_TOO_COSTLY before the run is read', async () => {
  const read = jest.spyOn(server.services.views, 'view');
  const r = await timed(`{ ${aliases(20, () => `cells(run: "${runId}", first: 1) { edges { node { id } } }`)} }`);
  expect(r.status).toBe(400);
  expect(r.body.errors![0].extensions.code).toBe('QUERY_TOO_COSTLY');
  expect(r.body.errors![0].extensions.cost).toBeGreaterThanOrEqual(20 * GRID_READ);
  expect(read).not.toHaveBeenCalled();
  read.mockRestore();
});

test('When two hundred aliases of a heatmap arrive, then 400 QUERY_TOO_COSTLY before any walk', async () => {
  const read = jest.spyOn(server.services.views, 'heatmap');
  const r = await timed(`{ ${aliases(200, () => `heatmap(run: "${runId}", rows: ARCH, columns: KERNEL) { rows }`)} }`);
  expect(r.status).toBe(400);
  expect(r.body.errors![0].extensions.code).toBe('QUERY_TOO_COSTLY');
  expect(read).not.toHaveBeenCalled();
  read.mockRestore();
});

test('When twenty aliased startRun mutations arrive, then they are refused as too costly and no run starts', async () => {
  const before = await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }');
  const r = await timed(`mutation { ${aliases(20, () => 'startRun(matrix: "small") { id }')} }`);
  expect(r.body.errors![0].extensions.code).toBe('QUERY_TOO_COSTLY');
  const after = await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }');
  expect(after.data!.runs.totalCount).toBe(before.data!.runs.totalCount);
});

test('When one request reads a page, a diff and a heatmap of a run, then it is within budget and answered', async () => {
  const r = await timed(`{
    cells(run: "${runId}", first: 100) { totalCount edges { node { id verdict effective combination { arch kernel strategy config } } } }
    diff(run: "${runId}", axis: STRATEGY, base: "pre-fix", head: "write-back", first: 10) { totalCount edges { node { transition } } }
    heatmap(run: "${runId}", rows: ARCH, columns: KERNEL) { rows columns cells { ok broken } } }`);
  expect(r.body.errors).toBeUndefined();
  expect(r.status).toBe(200);
});

test('When the same heatmap of a finished run is asked for twice, then it is walked once', async () => {
  const walked = jest.spyOn(server.services.views as unknown as { walkHeatmap: () => unknown }, 'walkHeatmap');
  const q = `{ heatmap(run: "${runId}", rows: DEVICE, columns: STRATEGY) { cells { ok degraded broken probeFailed } } }`;
  const first = await timed(q);
  const second = await timed(q);
  expect(second.body).toEqual(first.body);
  expect(walked).toHaveBeenCalledTimes(1);
  walked.mockRestore();
});

test('When nine aliases of a page read a run, then they are answered; a tenth tips the request over the budget', async () => {
  const page = () => `cells(run: "${runId}", first: 1) { edges { node { id } } }`;
  const nine = await timed(`{ ${aliases(9, page)} }`);
  expect(nine.status).toBe(200);
  expect(Object.keys(nine.body.data as object)).toHaveLength(9);
  const ten = await timed(`{ ${aliases(10, page)} }`);
  expect(ten.status).toBe(400);
  expect(ten.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });
  expect(ten.body.errors![0].extensions.cost).toBeGreaterThan(MAX_COST);
});

test('When one query text is sent with a cheap and then a costly page size, then each is costed on its own values', async () => {
  // The cost of a parsed query is remembered per variable values: a cheap answer must not let the costly one through.
  const page = '(run: $run, first: $n) { edges { node { id verdict combination { arch kernel strategy config } } } }';
  const q = `query($run: ID!, $n: Int) { ${aliases(4, () => `cells${page}`)} }`;
  const cheap = await server.gql(q, { run: runId, n: 10 });
  expect(cheap.errors).toBeUndefined();
  const costly = await server.gql(q, { run: runId, n: 1000 });
  expect(costly.status).toBe(400);
  expect(costly.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY' });
  const again = await server.gql(q, { run: runId, n: 10 });
  expect(again.errors).toBeUndefined();
  expect(again.data).toEqual(cheap.data);
});
