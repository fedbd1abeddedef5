/** /api/runs: status, failing cells and JUnit of real runs, checked against the engine: "When …, then …". */
import type { Backend } from '../support/databases';
import { GATE_SPEC, engineCells, expectedRegressions, isFailing, prepareEngineChange } from '../support/gate-runs';
import { parseJUnit } from '../support/junit';
import { startTestServer, type TestServer } from './helpers';
import { planShards } from '../../src/runs/shard-plan';

describe.each<[string, Backend]>([['SQLite', 'sqlite'], ['PostgreSQL', 'postgresql']])('run reports over HTTP: %s', (_name, backend) => {
  let server: TestServer;
  /** Run 1: stored by the other engine (see gate-runs); runs 2 and 3: today's engine, same matrix. */
  const runs = { otherEngine: '1', second: '', third: '' };
  const cells = engineCells(GATE_SPEC);
  const failing = cells.filter((c) => isFailing(c.verdict));

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    const body = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body, json: () => JSON.parse(body) };
  };

  async function runToEnd(matrix: string): Promise<string> {
    const started = await server.gql<{ startRun: { id: string } }>('mutation($m: String!) { startRun(matrix: $m) { id } }', { m: matrix });
    const id = started.data!.startRun.id;
    for (let i = 0; i < 400; i++) {
      const r = await get(`/api/runs/${id}`);
      if (r.json().finished) return id;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`run ${id} did not finish`);
  }

  beforeAll(async () => {
    server = await startTestServer({ backend, prepare: prepareEngineChange });
    runs.second = await runToEnd('gate');
    runs.third = await runToEnd('gate');
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
  });

  test('When a run has finished, then its status counts what the engine says, with timestamps and links', async () => {
    const r = await get(`/api/runs/${runs.second}`);
    expect(r.status).toBe(200);
    const s = r.json();
    const count = (v: string) => cells.filter((c) => c.verdict === v).length;
    expect(s).toMatchObject({
      id: runs.second, matrix: 'gate', status: 'succeeded', finished: true, progress: 1,
      summary: { ok: count('OK'), degraded: count('DEGRADED'), broken: count('BROKEN'), probeFailed: count('PROBE_FAILED') },
      links: { self: `/api/runs/${runs.second}`, junit: `/api/runs/${runs.second}/junit.xml`, graphql: '/graphql' },
    });
    expect(s.summary.total).toBe(s.cellsTotal);
    expect(s.summary.total - s.summary.skipped).toBe(cells.length);
    expect(Date.parse(s.finishedAt)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    expect((await get(s.links.junit)).status).toBe(200);
  });

  test('When a run id is unknown or malformed, then 404 with a JSON error naming the id', async () => {
    for (const id of ['999', 'abc', '01', '1e3', '-1']) {
      for (const path of [`/api/runs/${id}`, `/api/runs/${id}/junit.xml`, `/api/runs/${id}/failures`]) {
        const r = await get(path);
        expect([path, r.status]).toEqual([path, 404]);
        expect(r.json().error).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
      }
    }
  });

  test('When the JUnit of a run is asked without a baseline, then it is well-formed and has one failing case per BROKEN or PROBE_FAILED cell', async () => {
    const r = await get(`/api/runs/${runs.second}/junit.xml`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/xml/);
    const junit = parseJUnit(r.body);
    expect(failing.length).toBeGreaterThan(0);
    const failed = junit.cases.filter((c) => c.failure);
    expect(new Map(failed.map((c) => [c.name, c.failure!.type]))).toEqual(new Map(failing.map((c) => [c.name, c.verdict])));
    expect(junit.cases.every((c) => c.classname === 'virtio-matrix.gate')).toBe(true);
    // The failure body holds the combination, ready for `explain`.
    const first = failing[0];
    expect(failed.find((c) => c.name === first.name)!.failure!.text).toContain(JSON.stringify(first.combination));
    const others = junit.cases.filter((c) => !c.failure);
    expect(others.map((c) => c.name)).toEqual(['all other cells']);
    expect(others[0].systemOut).toBe(`${cells.length - failing.length} cells OK or DEGRADED`);
    expect({ tests: junit.tests, failures: junit.failures }).toEqual({ tests: failing.length + 1, failures: failing.length });
    expect(junit.suite).toMatchObject({ tests: failing.length + 1, failures: failing.length, properties: { run: runs.second, matrix: 'gate', criterion: 'verdict' } });
  });

  test('When the report is capped, then the first cells are listed and one more case says how many were left out', async () => {
    const junit = parseJUnit((await get(`/api/runs/${runs.second}/junit.xml?limit=3`)).body);
    const failed = junit.cases.filter((c) => c.failure);
    expect(failed).toHaveLength(4);
    expect(failed.slice(0, 3).map((c) => c.name)).toEqual(failing.slice(0, 3).map((c) => c.name));
    expect(failed[3]).toMatchObject({ name: 'failing cells left out of this report', failure: { type: 'TRUNCATED', message: `${failing.length - 3} more failing cells not listed (the report lists 3)` } });
    const json = (await get(`/api/runs/${runs.second}/failures?limit=0`)).json();
    expect(json).toMatchObject({ criterion: 'verdict', baseline: null, passed: false, failing: failing.length, judged: cells.length, cells: [] });
    expect((await get(`/api/runs/${runs.second}/junit.xml?limit=10001`)).json().error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
  });

  test('When a baseline stored by another engine is given, then exactly the cells that got worse fail, each with both verdicts', async () => {
    const expected = expectedRegressions();
    expect(expected.size).toBeGreaterThan(0);
    const junit = parseJUnit((await get(`/api/runs/${runs.second}/junit.xml?baseline=${runs.otherEngine}`)).body);
    const failed = junit.cases.filter((c) => c.failure);
    expect(new Map(failed.map((c) => [c.name, c.failure!.message]))).toEqual(
      new Map([...expected].map(([name, v]) => [name, `${v.before} in run ${runs.otherEngine}, ${v.after} in run ${runs.second}`])),
    );
    expect(failed.every((c) => c.failure!.type === 'REGRESSION')).toBe(true);
    expect(junit.suite.name).toBe(`gate run ${runs.second} against run ${runs.otherEngine}`);
    expect(junit.suite.properties).toMatchObject({ criterion: 'regression', baseline: runs.otherEngine, regressions: String(expected.size) });
    // Judged against the baseline, not by verdict: OK → DEGRADED is a regression, BROKEN in both runs is not.
    expect([...expected.keys()].sort()).not.toEqual(failing.map((c) => c.name).sort());
    expect([...expected.values()].some((v) => v.after === 'DEGRADED')).toBe(true);
  });

  test('When the baseline is "last", then it is the newest succeeded run of the matrix before this one', async () => {
    const second = (await get(`/api/runs/${runs.second}/failures?baseline=last`)).json();
    expect(second).toMatchObject({ baseline: runs.otherEngine, criterion: 'regression', failing: expectedRegressions().size, passed: false });
    const third = (await get(`/api/runs/${runs.third}/failures?baseline=last`)).json();
    expect(third).toMatchObject({ baseline: runs.second, failing: 0, passed: true, judged: cells.length });
    const none = await get(`/api/runs/${runs.otherEngine}/junit.xml?baseline=last`);
    expect(none.status).toBe(404);
    expect(none.json().error).toMatchObject({ code: 'NO_BASELINE', field: 'baseline' });
  });

  test('When a baseline cannot be compared, then a coded error names it: unknown, malformed, unfinished, or sharing no cell', async () => {
    const unknown = await get(`/api/runs/${runs.second}/junit.xml?baseline=999`);
    expect([unknown.status, unknown.json().error]).toMatchObject([404, { code: 'NOT_FOUND', field: 'baseline' }]);
    const malformed = await get(`/api/runs/${runs.second}/junit.xml?baseline=yesterday`);
    expect([malformed.status, malformed.json().error]).toMatchObject([400, { code: 'BAD_USER_INPUT', field: 'baseline' }]);

    // A run nothing executes stays queued (as with no worker up): neither reportable nor a baseline.
    const matrix = (await server.services.runDeps.matrixByName('gate'))!;
    const queued = await server.services.store.createRun(matrix, 'test: never enqueued', planShards(matrix.positions));
    const notYet = await get(`/api/runs/${queued.id}/junit.xml`);
    expect([notYet.status, notYet.json().error]).toMatchObject([409, { code: 'RUN_NOT_SUCCEEDED', field: 'id', status: 'queued' }]);
    const asBaseline = await get(`/api/runs/${runs.second}/failures?baseline=${queued.id}`);
    expect([asBaseline.status, asBaseline.json().error]).toMatchObject([409, { code: 'RUN_NOT_SUCCEEDED', field: 'baseline' }]);
    expect((await get(`/api/runs/${queued.id}`)).json()).toMatchObject({ status: 'queued', finished: false, progress: 0 });

    // Same values but another strategy: compareRuns pairs no cell, so the gate would pass anything.
    await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: { ...GATE_SPEC, name: 'gate-ack-all', strategies: ['ack-all'] } });
    const other = await runToEnd('gate-ack-all');
    const disjoint = await get(`/api/runs/${runs.second}/junit.xml?baseline=${other}`);
    expect([disjoint.status, disjoint.json().error]).toMatchObject([409, { code: 'NOTHING_SHARED', field: 'baseline' }]);
  });

  test('When a matrix name holds XML specials, then the report still parses and names it exactly', async () => {
    const name = `ci & "gate" <'x'>`;
    await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: { ...GATE_SPEC, name, archs: ['s390x'], transports: ['ccw'] } });
    const id = await runToEnd(name);
    const junit = parseJUnit((await get(`/api/runs/${id}/junit.xml`)).body);
    expect(junit.suite.name).toBe(`${name} run ${id}`);
    expect(junit.suite.properties.matrix).toBe(name);
    expect(junit.cases.every((c) => c.classname === `virtio-matrix.${name}`)).toBe(true);
    expect(junit.failures).toBeGreaterThan(0);
  });
});
