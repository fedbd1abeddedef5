/**
 * A request's time budget: the budget itself, then GraphQL reads over the 6,085,800 positions of
 * be-config-2021 answered TIME_BUDGET_EXCEEDED (503) under a deliberately tiny budget, and in full
 * under the default one, with nothing changed by the abandoned requests.
 */
import { planShards } from '../../src/runs/shard-plan';
import { TimeBudget, TimeBudgetExceeded } from '../../src/runs/time-budget';
import { limitsFromEnv, DEFAULT_LIMITS } from '../../src/runs/limits';
import { startTestServer, type GqlAnswer, type TestServer } from '../http/helpers';

describe('TimeBudget', () => {
  test('When the budget is not spent, then check passes; once it is, check throws TimeBudgetExceeded naming the budget', () => {
    const budget = new TimeBudget(50, Date.now());
    expect(() => budget.check()).not.toThrow();
    const spent = new TimeBudget(50, Date.now() - 51);
    expect(() => spent.check()).toThrow(TimeBudgetExceeded);
    expect(() => spent.check()).toThrow(/50 ms \(REQUEST_TIME_BUDGET_MS\)/);
  });

  test('When the budget is 0, then nothing is ever too late', async () => {
    const none = new TimeBudget(0, 0);
    expect(() => none.check()).not.toThrow();
    await expect(none.within(new Promise((resolve) => setTimeout(() => resolve('done'), 20)))).resolves.toBe('done');
  });

  test('When awaited work outlasts the budget, then within rejects at the deadline while the work itself goes on', async () => {
    const budget = new TimeBudget(30);
    let finished = false;
    const work = new Promise<string>((resolve) => setTimeout(() => {
      finished = true;
      resolve('late');
    }, 120));
    await expect(budget.within(work)).rejects.toBeInstanceOf(TimeBudgetExceeded);
    // Rejected before the work ended, which is what the deadline means; a wall-clock bound would only flake under load.
    expect(finished).toBe(false);
    await expect(work).resolves.toBe('late');
    await expect(new TimeBudget(1_000).within(Promise.resolve(7))).resolves.toBe(7);
  });

  test('When REQUEST_TIME_BUDGET_MS is set, then it is the budget; a bad value is refused naming it', () => {
    expect(limitsFromEnv({}).requestTimeBudgetMs).toBe(DEFAULT_LIMITS.requestTimeBudgetMs);
    expect(limitsFromEnv({ REQUEST_TIME_BUDGET_MS: '250' }).requestTimeBudgetMs).toBe(250);
    expect(limitsFromEnv({ REQUEST_TIME_BUDGET_MS: '0' }).requestTimeBudgetMs).toBe(0);
    for (const bad of ['soon', '-1', '1.5', '99999999999', ' ', '0x10', '1e3', '-0']) {
      expect(() => limitsFromEnv({ REQUEST_TIME_BUDGET_MS: bad })).toThrow(expect.objectContaining({ field: 'REQUEST_TIME_BUDGET_MS' }));
    }
  });
});

/** be-config-2021: 6,085,800 positions, so every read below walks millions of them. */
const MATRIX = 'be-config-2021';

describe.each([['SQLite', 'sqlite'], ['PostgreSQL', 'postgresql']] as const)('GraphQL reads under a 1 ms time budget: %s', (_name, backend) => {
  let tight: TestServer;
  let finishedId: string;
  let unfinishedId: string;

  beforeAll(async () => {
    tight = await startTestServer({ backend, seed: true, limits: { requestTimeBudgetMs: 1 } });
    const store = tight.services.store;
    const matrix = (await tight.services.runDeps.matrixByName(MATRIX))!;
    // Runs made through the store as the queue makes them, not executed: one finished with a
    // grid of every verdict, one left queued (its grid is rebuilt from results on each read).
    const finished = await store.createRun(matrix, 'test', planShards(matrix.positions));
    const grid = new Uint8Array(matrix.positions);
    for (let p = 0; p < grid.length; p++) grid[p] = (p * 2654435761) % 5 === 4 ? 255 : ((p * 2654435761) >>> 7) % 4;
    await store.finishRun(finished.id, 'succeeded', grid);
    finishedId = finished.id;
    unfinishedId = (await store.createRun(matrix, 'test', planShards(matrix.positions))).id;
  }, 120_000);

  afterAll(async () => {
    await tight.dispose();
  });

  const expectBudgetSpent = (r: GqlAnswer<unknown>) => {
    expect({ status: r.status, errors: r.errors?.slice(0, 1) }).toMatchObject({ status: 503, errors: [{ extensions: { code: 'TIME_BUDGET_EXCEEDED' } }] });
    expect(r.errors!.length).toBeGreaterThan(0);
    for (const e of r.errors!) expect(e.extensions).toMatchObject({ code: 'TIME_BUDGET_EXCEEDED', budgetMs: 1 });
  };

  test('When cells of an unfinished multi-million-position run are scanned, then TIME_BUDGET_EXCEEDED with 503, and the run is as it was', async () => {
    // Five aliases: as many grid reads as the query cost allows (QUERY_TOO_COSTLY beyond).
    const aliases = Array.from({ length: 5 }, (_, i) => `c${i}: cells(run: $run, first: 1) { totalCount edges { node { position } } }`).join(' ');
    expectBudgetSpent(await tight.gql(`query($run: ID!) { ${aliases} }`, { run: unfinishedId }));
    const run = await tight.services.store.getRun(unfinishedId);
    expect(run).toMatchObject({ status: 'queued', cellsDone: 0 });
  });

  test('When heatmaps, a diff and a comparison of finished runs are asked for, then each is TIME_BUDGET_EXCEEDED (503)', async () => {
    const heatmaps = Array.from({ length: 4 }, (_, i) => `h${i}: heatmap(run: $run, rows: KERNEL, columns: STRATEGY, filter: { arch: ["${i % 2 ? 'x86_64' : 's390x'}"] }) { rows }`).join(' ');
    expectBudgetSpent(await tight.gql(`query($run: ID!) { ${heatmaps} }`, { run: finishedId }));
    expectBudgetSpent(await tight.gql('query($run: ID!) { diff(run: $run, axis: STRATEGY, base: "pre-fix", head: "write-back") { totalCount } }', { run: finishedId }));
    expectBudgetSpent(await tight.gql('query($a: ID!, $b: ID!) { compareRuns(base: $a, head: $b) { totalCount } }', { a: finishedId, b: unfinishedId }));
  });

  test('When a request reads no grid, then the tiny budget does not touch it, and the abandoned requests stored nothing', async () => {
    const r = await tight.gql<{ runs: { totalCount: number }; matrices: { totalCount: number } }>('{ runs { totalCount } matrices { totalCount } }');
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ runs: { totalCount: 2 }, matrices: { totalCount: 1 } });
  });
});

describe('The same reads under the default budget', () => {
  let server: TestServer;
  let unfinishedId: string;

  beforeAll(async () => {
    server = await startTestServer({ seed: true });
    const matrix = (await server.services.runDeps.matrixByName(MATRIX))!;
    unfinishedId = (await server.services.store.createRun(matrix, 'test', planShards(matrix.positions))).id;
  }, 120_000);

  afterAll(async () => {
    await server.dispose();
  });

  test('When cells of the unfinished run are scanned within 10 s, then they are answered: nothing evaluated yet', async () => {
    const r = await server.gql<{ cells: { totalCount: number; edges: unknown[] } }>('query($run: ID!) { cells(run: $run, first: 1) { totalCount edges { cursor } } }', { run: unfinishedId });
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data!.cells).toEqual({ totalCount: 0, edges: [] });
  });
});
