/** Component tests through HTTP against a real SQLite file: "When …, then …". */
import { evaluate } from '../../src/engine';
import { DEPLOYMENTS, SMALL_MATRIX, startTestServer, type TestServer } from './helpers';

describe.each(DEPLOYMENTS)('GraphQL over HTTP: %s', (_name, deployment) => {
  let server: TestServer;
  let runId: string;

  const RUN_FIELDS = 'id status progress cellsDone cellsTotal summary { total ok degraded broken probeFailed skipped } matrix { name }';

  async function waitForRun(id: string) {
    for (let i = 0; i < 200; i++) {
      const r = await server.gql<{ run: { status: string } }>(`query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id });
      if (r.data!.run.status !== 'QUEUED' && r.data!.run.status !== 'RUNNING') return r.data!.run as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('run did not finish');
  }

  beforeAll(async () => {
    server = await startTestServer(deployment);
    const created = await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name positions } }', { input: SMALL_MATRIX });
    expect(created.errors).toBeUndefined();
    const started = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id status } }');
    runId = started.data!.startRun.id;
    await waitForRun(runId);
  });

  afterAll(async () => {
    await server.dispose();
  });

  test('When a small matrix has run, then its summary counts every cell and matches the engine', async () => {
    const run = await waitForRun(runId);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.progress).toBe(1);
    const summary = run.summary as Record<string, number>;
    expect(summary.total).toBe(run.cellsTotal);
    // 2 archs x 2 transports x 4 variants x 2 modes x 2 kernels x 3 strategies; ccw exists only on s390x.
    expect(run.cellsTotal).toBe(2 * 2 * 4 * 2 * 2 * 3);
    expect(summary.skipped).toBe(1 * 1 * 4 * 2 * 2 * 3);
    expect(summary.ok + summary.degraded + summary.broken + summary.probeFailed).toBe(run.cellsTotal as number - summary.skipped);
    expect(summary.broken).toBeGreaterThan(0);
  });

  test('When cells are filtered by axis values and verdict, then every cell matches and agrees with evaluate', async () => {
    const r = await server.gql<{ cells: { totalCount: number; edges: { node: { combination: Record<string, unknown>; verdict: string; effective: number; outcome: { verdict: string } } }[] } }>(
      `query($run: ID!) { cells(run: $run, filter: { arch: ["s390x"], device: ["blk"], strategy: ["pre-fix"], verdict: [BROKEN] }, first: 50) {
        totalCount edges { cursor node { id position verdict effective negotiated combination { arch transport device mode backend hypervisor kernel strategy config } outcome { verdict } } } } }`,
      { run: runId },
    );
    expect(r.errors).toBeUndefined();
    const edges = r.data!.cells.edges;
    expect(edges.length).toBeGreaterThan(0);
    expect(r.data!.cells.totalCount).toBe(edges.length);
    for (const { node } of edges) {
      expect(node.combination).toMatchObject({ arch: 's390x', device: 'blk', strategy: 'pre-fix' });
      expect(node.verdict).toBe('BROKEN');
      expect(node.outcome.verdict).toBe('BROKEN');
      expect(evaluate(node.combination).effective.logical_block_size).toBe(node.effective);
    }
  });

  test('When stored fields are asked for through fragments, a diff\'s cells or one cell at a time, then every way gives the same values', async () => {
    // A page loads its cells' stored results at once when it sees them selected; a cell on its own asks the loader. Both must agree.
    type Stored = { position: number; effective: number | null; negotiated: string[]; clearedInValidate: string[] };
    const r = await server.gql<{ cells: { edges: { node: Stored }[] }; diff: { edges: { node: { base: Stored; head: Stored } }[] } }>(
      `query($run: ID!) {
        cells(run: $run, filter: { arch: ["s390x"] }, first: 40) { edges { node { position ...Stored } } }
        diff(run: $run, axis: STRATEGY, base: "pre-fix", head: "write-back", first: 20) { edges { node { base { ... on Cell { position effective negotiated clearedInValidate } } head { position ...Stored } } } }
      }
      fragment Stored on Cell { effective negotiated clearedInValidate }`,
      { run: runId },
    );
    expect(r.errors).toBeUndefined();
    const listed = [...r.data!.cells.edges.map((e) => e.node), ...r.data!.diff.edges.flatMap((e) => [e.node.base, e.node.head])];
    expect(listed.some((c) => c.negotiated.length > 0)).toBe(true);
    expect(listed.some((c) => c.clearedInValidate.length > 0)).toBe(true);
    for (const cell of listed) {
      const one = await server.gql<{ cell: Stored }>('query($run: ID!, $p: Count!) { cell(run: $run, position: $p) { position effective negotiated clearedInValidate } }', { run: runId, p: cell.position });
      expect(one.data!.cell).toEqual(cell);
    }
  });

  test('When cells are paged with first/after, then pages do not overlap and together cover the total', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const r: { data?: { cells: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { position: number } }[] } } } =
        await server.gql(`query($run: ID!, $after: String) { cells(run: $run, first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { position } } } }`, { run: runId, after });
      const cells = r.data!.cells;
      total = cells.totalCount;
      seen.push(...cells.edges.map((e) => e.node.position));
      if (!cells.pageInfo.hasNextPage) break;
      after = cells.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  test('When strategies are diffed pre-fix → write-back, then every pair differs only in strategy and the s390x blk fixes show up', async () => {
    const r = await server.gql<{ diff: { totalCount: number; regressions: number; fixes: number; changes: number; edges: { node: { transition: string; base: { verdict: string; combination: Record<string, unknown> }; head: { verdict: string; combination: Record<string, unknown> } } }[] } }>(
      `query($run: ID!) { diff(run: $run, axis: STRATEGY, base: "pre-fix", head: "write-back", first: 1000) {
        totalCount regressions fixes changes edges { node { transition base { verdict combination { arch transport device mode kernel strategy config } } head { verdict combination { arch transport device mode kernel strategy config } } } } } }`,
      { run: runId },
    );
    expect(r.errors).toBeUndefined();
    const d = r.data!.diff;
    expect(d.totalCount).toBe(d.edges.length);
    expect(d.fixes).toBeGreaterThan(0);
    expect(d.regressions).toBe(0);
    for (const { node } of d.edges) {
      expect(node.base.combination.strategy).toBe('pre-fix');
      expect(node.head.combination.strategy).toBe('write-back');
      expect({ ...node.base.combination, strategy: 'x' }).toEqual({ ...node.head.combination, strategy: 'x' });
      expect(node.base.verdict).not.toBe(node.head.verdict);
      expect(node.base.combination.arch).toBe('s390x');
    }
  });

  test('When a diff is asked for FIX transitions only on the CONFIG axis, then only fixes come back', async () => {
    const r = await server.gql<{ diff: { totalCount: number; fixes: number; edges: { node: { transition: string } }[] } }>(
      `query($run: ID!) { diff(run: $run, axis: CONFIG, base: "blk_size=4096", head: "blk_size=512", transitions: [FIX]) { totalCount fixes edges { node { transition } } } }`,
      { run: runId },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.diff.totalCount).toBe(r.data!.diff.fixes);
    expect(r.data!.diff.edges.every((e) => e.node.transition === 'FIX')).toBe(true);
  });

  test('When two runs of the same matrix are compared, then nothing changed; against a run of another matrix, only shared cells pair up', async () => {
    const second = await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "small") { id } }');
    const secondId = second.data!.startRun.id;
    await waitForRun(secondId);
    const same = await server.gql<{ compareRuns: { totalCount: number } }>('query($a: ID!, $b: ID!) { compareRuns(base: $a, head: $b) { totalCount } }', { a: runId, b: secondId });
    expect(same.data!.compareRuns.totalCount).toBe(0);

    await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', {
      input: { ...SMALL_MATRIX, name: 'newer-kernels', kernels: ['5.14', '5.17'], strategies: ['as-shipped'] },
    });
    await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', {
      input: { ...SMALL_MATRIX, name: 'older-kernels', kernels: ['5.14', '5.17'], strategies: ['pre-fix'] },
    });
    const a = (await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "older-kernels") { id } }')).data!.startRun.id;
    const b = (await server.gql<{ startRun: { id: string } }>('mutation { startRun(matrix: "newer-kernels") { id } }')).data!.startRun.id;
    await waitForRun(a);
    await waitForRun(b);
    const cmp = await server.gql<{ compareRuns: { totalCount: number } }>('query($a: ID!, $b: ID!) { compareRuns(base: $a, head: $b) { totalCount } }', { a, b });
    // The strategies differ, so no cell is shared: pairs need identical combinations.
    expect(cmp.data!.compareRuns.totalCount).toBe(0);
  });

  test('When a cell is asked for by the position a cells page gave, then it is that cell with its combination and trace; a skipped or out-of-range position is null', async () => {
    const page = await server.gql<{ cells: { edges: { node: { position: number; verdict: string; combination: Record<string, unknown> } }[] } }>(
      'query($run: ID!) { cells(run: $run, filter: { arch: ["s390x"], verdict: [BROKEN] }, first: 1) { edges { node { position verdict combination { arch transport device mode kernel strategy config } } } } }',
      { run: runId },
    );
    const listed = page.data!.cells.edges[0].node;
    const one = await server.gql<{ cell: { position: number; verdict: string; combination: Record<string, unknown>; outcome: { verdict: string; deviceStatus: string[]; validateReads: { bytes: string }[]; trace: { seq: number }[] } } }>(
      'query($run: ID!, $p: Count!) { cell(run: $run, position: $p) { position verdict combination { arch transport device mode kernel strategy config } outcome { verdict deviceStatus validateReads { bytes } trace { seq } } } }',
      { run: runId, p: listed.position },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.cell).toMatchObject({ position: listed.position, verdict: 'BROKEN', combination: listed.combination });
    expect(one.data!.cell.outcome.verdict).toBe('BROKEN');
    expect(one.data!.cell.outcome.validateReads.length).toBeGreaterThan(0);
    expect(one.data!.cell.outcome.trace!.length).toBeGreaterThan(0);
    // A gap in the positions of all cells is a combination that cannot exist (x86_64 on ccw): no cell there, nor past the grid's end.
    const all = await server.gql<{ cells: { edges: { node: { position: number } }[] } }>('query($run: ID!) { cells(run: $run, first: 1000) { edges { node { position } } } }', { run: runId });
    const positions = all.data!.cells.edges.map((e) => e.node.position);
    const gap = positions.find((p, i) => positions[i + 1] !== undefined && positions[i + 1] !== p + 1)! + 1;
    const skipped = await server.gql<{ a: unknown; b: unknown }>('query($run: ID!, $gap: Count!) { a: cell(run: $run, position: $gap) { id } b: cell(run: $run, position: 1000000) { id } }', { run: runId, gap });
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data).toEqual({ a: null, b: null });
  });

  test('When a run is looked up that does not exist, then NOT_FOUND; a bad diff value is BAD_USER_INPUT naming the field', async () => {
    const missing = await server.gql('{ cells(run: "999") { totalCount } }');
    expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
    const bad = await server.gql('query($run: ID!) { diff(run: $run, axis: KERNEL, base: "5.14", head: "9.9") { totalCount } }', { run: runId });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'head' });
  });

  test('When evaluate gets a combination that cannot exist, then BAD_USER_INPUT names the field and nothing leaks', async () => {
    const r = await server.gql('{ evaluate(input: { arch: "x86_64", transport: "ccw", device: "blk", mode: "modern", hypervisor: "qemu-7.2", kernel: "6.1" }) { verdict } }');
    expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'transport' });
    expect(JSON.stringify(r)).not.toMatch(/stack|at .*\.ts/);
  });

  test('When a query is malformed, too deep or too costly, then it is refused with a code and changes nothing', async () => {
    const malformed = await server.gql('{ matrices { ');
    expect(malformed.status).toBe(400);
    expect(malformed.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    const deep = await server.gql('{ runs { edges { node { matrix { runs { edges { node { matrix { runs { edges { node { id } } } } } } } } } } } }');
    expect(deep.errors![0].extensions!.code).toBe('QUERY_TOO_DEEP');
    const costly = await server.gql(`query($run: ID!) { cells(run: $run, first: 1000) { edges { node { outcome { trace { seq phase actor action detail } validateReads { field bytes } } } } } }`, { run: runId });
    expect(costly.errors![0].extensions!.code).toBe('QUERY_TOO_COSTLY');
    const tooMany = await server.gql(`query($run: ID!) { cells(run: $run, first: 5000) { totalCount } }`, { run: runId });
    expect(tooMany.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  test('When a matrix name is taken or a value is unknown, then createMatrix refuses and stores nothing', async () => {
    const before = await server.gql<{ matrices: { totalCount: number } }>('{ matrices { totalCount } }');
    const dup = await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: SMALL_MATRIX });
    expect(dup.errors![0].extensions!.code).toBe('CONFLICT');
    const bad = await server.gql('mutation($input: MatrixInput!) { createMatrix(input: $input) { name } }', { input: { ...SMALL_MATRIX, name: 'bad', archs: ['vax'] } });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'archs' });
    const after = await server.gql<{ matrices: { totalCount: number } }>('{ matrices { totalCount } }');
    expect(after.data!.matrices.totalCount).toBe(before.data!.matrices.totalCount);
  });

  test('When firstRegression walks kernels for the s390x DASD disk, then it names 5.14-rc7 and 82e89ea077b9', async () => {
    const r = await server.gql<{ firstRegression: { found: { before: string; at: string; responsible: { id: string }[] } } }>(
      '{ firstRegression(cell: { arch: "s390x", transport: "ccw", device: "blk", mode: "transitional", hypervisor: "qemu-6.1", kernel: "6.6", strategy: "pre-fix", config: { blk_size: 4096 } }, axis: KERNEL) { walked found { before at responsible { id title change } } } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.firstRegression.found).toMatchObject({ before: '5.14-rc6', at: '5.14-rc7' });
    expect(r.data!.firstRegression.found.responsible.map((p) => p.id)).toEqual(['82e89ea077b9']);
  });

  test('When profiles are queried, then devices carry their config layouts and kernels their cited patches', async () => {
    const r = await server.gql<{ profiles: { devices: { name: string; config: { name: string; offset: number; width: number; feature: string | null }[] }[]; kernelPatches: { id: string; source: string }[] } }>(
      '{ profiles { hash devices { name config { name offset width feature } } kernelPatches { id mainline stable source } } }',
    );
    const blk = r.data!.profiles.devices.find((d) => d.name === 'blk')!;
    expect(blk.config.find((f) => f.name === 'blk_size')).toEqual({ name: 'blk_size', offset: 20, width: 4, feature: 'VIRTIO_BLK_F_BLK_SIZE' });
    expect(r.data!.profiles.kernelPatches.every((p) => p.source.length > 0)).toBe(true);
  });

  test('When QEMU\'s default offers are queried, then every device answers, a feature offered from a release on with that release (balloon PAGE_POISON from 5.1)', async () => {
    const r = await server.gql<{ profiles: { devices: { name: string; qemuOffers: { feature: string; since: string | null }[] }[] } }>('{ profiles { devices { name qemuOffers { feature since } } } }');
    expect(r.errors).toBeUndefined();
    const offers = (name: string) => r.data!.profiles.devices.find((d) => d.name === name)!.qemuOffers;
    expect(offers('balloon')).toEqual([{ feature: 'VIRTIO_BALLOON_F_STATS_VQ', since: null }, { feature: 'VIRTIO_BALLOON_F_PAGE_POISON', since: '5.1' }]);
    expect(offers('rng')).toEqual([]);
  });
});
