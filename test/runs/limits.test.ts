/**
 * Matrix size limits: a matrix above MAX_MATRIX_POSITIONS is refused before it is planned and
 * stores nothing; under a raised limit a matrix past 2^31 positions is stored and listed on both
 * backends, but not run (a run holds at most 2^31 - 1 positions).
 */
import { matrixPositions } from '../../src/engine';
import { BE_CONFIG_2021 } from '../../src/matrices/seed';
import { DEFAULT_MAX_MATRIX_POSITIONS, limitsFromEnv } from '../../src/runs/limits';
import { DEPLOYMENTS, SMALL_MATRIX, startTestServer, type TestServer } from '../http/helpers';

/** The value sets of a createMatrix input. */
const specOf = ({ name: _name, description: _description, ...spec }: Record<string, unknown>) => spec;

const CREATE = 'mutation($input: MatrixInput!) { createMatrix(input: $input) { name positions } }';

/** About 160 KB of JSON (kernels, config values) for 7 x 10^11 positions. */
function hugeMatrix() {
  const values = (n: number, step: number) => Array.from({ length: n }, (_, i) => step * (i + 1));
  return {
    ...SMALL_MATRIX, name: 'huge', archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk'], modes: ['legacy', 'transitional', 'modern'],
    kernels: Array.from({ length: 15_000 }, (_, i) => `5.${Math.floor(i / 1000)}.${i % 1000}`),
    strategies: ['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all'],
    config: { blk_size: values(778, 512), seg_max: values(1_000, 1) },
  };
}

describe.each(DEPLOYMENTS.slice(0, 2))('createMatrix limits: %s', (_name, deployment) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(deployment);
  }, 30_000);

  afterAll(async () => {
    await server.dispose();
  });

  test('When a 160 KB createMatrix asks for 7 x 10^11 positions, then BAD_USER_INPUT names positions and the limit, and nothing is stored', async () => {
    const input = hugeMatrix();
    expect(JSON.stringify(input).length).toBeGreaterThan(150_000);
    expect(matrixPositions(specOf(input))).toBe(2 * 2 * 778_000 * 3 * 15_000 * 5);
    // Counted from the value sets, never expanded (test/engine/matrix.test.ts pins that by heap).
    const r = await server.gql(CREATE, { input });
    expect(r.status).toBe(200);
    expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'positions' });
    expect(r.errors![0].message).toContain(DEFAULT_MAX_MATRIX_POSITIONS.toLocaleString('en-US'));
    const listed = await server.gql<{ matrices: { totalCount: number }; matrix: unknown }>('{ matrices { totalCount } matrix(name: "huge") { name } }');
    expect(listed.data).toEqual({ matrices: { totalCount: 0 }, matrix: null });
  });

  test('When a matrix is just over the limit, then it is refused; the seed matrix is well within it', async () => {
    // 5 archs x 3 transports x 8 devices x 3 modes x 2 backends x 5 strategies per kernel: one kernel more than the limit holds.
    const perKernel = 5 * 3 * 8 * 3 * 2 * 5;
    const kernels = Math.floor(DEFAULT_MAX_MATRIX_POSITIONS / perKernel) + 1;
    const input = { ...BE_CONFIG_2021, name: 'just-over', hypervisors: ['qemu-7.2'], config: {}, kernels: Array.from({ length: kernels }, (_, i) => `6.${i}`) };
    expect(matrixPositions(specOf(input))).toBeGreaterThan(DEFAULT_MAX_MATRIX_POSITIONS);
    const r = await server.gql(CREATE, { input });
    expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'positions' });
    expect(matrixPositions(BE_CONFIG_2021)).toBe(6_085_800);
    expect(matrixPositions(BE_CONFIG_2021)).toBeLessThan(DEFAULT_MAX_MATRIX_POSITIONS / 8);
  });
});

test('When a matrix name is empty, padded with blanks or over 100 characters, then BAD_USER_INPUT names the name and nothing is stored', async () => {
  const server = await startTestServer();
  try {
    for (const name of ['', ' small', 'x'.repeat(101)]) {
      const r = await server.gql(CREATE, { input: { ...SMALL_MATRIX, name } });
      expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    }
    const listed = await server.gql<{ matrices: { totalCount: number } }>('{ matrices { totalCount } }');
    expect(listed.data!.matrices.totalCount).toBe(0);
  } finally {
    await server.dispose();
  }
}, 30_000);

/** startRun of the matrix is BAD_USER_INPUT saying `why`, and the server has no run. */
async function expectRunRefused(server: TestServer, matrixName: string, why: string): Promise<void> {
  const r = await server.gql('mutation($m: String!) { startRun(matrix: $m) { id } }', { m: matrixName });
  expect(r.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'matrix' });
  expect(r.errors![0].message).toContain(why);
  const runs = await server.gql<{ runs: { totalCount: number } }>('{ runs { totalCount } }');
  expect(runs.data!.runs.totalCount).toBe(0);
}

/** 3 x 10^9 positions: 2 archs x 2 transports x 5,000 blk variants x 3 modes x 10,000 kernels x 5 strategies (planned in about 2 s). */
function pastInt32Matrix() {
  const values = (n: number, step: number) => Array.from({ length: n }, (_, i) => step * (i + 1));
  return { ...hugeMatrix(), name: 'past-2e31', kernels: hugeMatrix().kernels.slice(0, 10_000), config: { blk_size: values(50, 512), seg_max: values(100, 1) } };
}

describe.each(DEPLOYMENTS.slice(0, 2))('a matrix past 2^31 positions, with MAX_MATRIX_POSITIONS raised: %s', (_name, deployment) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ ...deployment, limits: { maxMatrixPositions: 10_000_000_000 } });
    await server.gql(CREATE, { input: SMALL_MATRIX });
  }, 30_000);

  afterAll(async () => {
    await server.dispose();
  });

  test('When it is created, then it is stored with its count, and every listing with positions has it exactly (a BIGINT column)', async () => {
    expect(matrixPositions(specOf(pastInt32Matrix()))).toBe(3_000_000_000);
    const created = await server.gql<{ createMatrix: { name: string; positions: number } }>(CREATE, { input: pastInt32Matrix() });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createMatrix).toEqual({ name: 'past-2e31', positions: 3_000_000_000 });
    const r = await server.gql<{ matrices: { edges: { node: { name: string; positions: number } }[] }; matrix: { positions: number } }>(
      '{ matrices { edges { node { name positions } } } matrix(name: "past-2e31") { positions } }');
    expect(r.errors).toBeUndefined();
    expect(r.data!.matrices.edges.map((e) => e.node)).toEqual([{ name: 'small', positions: 192 }, { name: 'past-2e31', positions: 3_000_000_000 }]);
    expect(r.data!.matrix).toEqual({ positions: 3_000_000_000 });
  }, 30_000);

  test('When a run of it is started, then BAD_USER_INPUT says a run holds at most 2^31 - 1 positions, and no run is created', async () => {
    await expectRunRefused(server, 'past-2e31', '3,000,000,000 positions, above the 2,147,483,647 a run can hold');
  });
});

describe('a matrix stored under a higher limit than today\'s', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await server.db.prisma.matrix.create({ data: { name: 'legacy-60m', spec: JSON.stringify(specOf(SMALL_MATRIX)), positions: 60_000_000 } });
  }, 30_000);

  afterAll(async () => {
    await server.dispose();
  });

  test('When a run of it is started, then BAD_USER_INPUT names the limit and no run is created', async () => {
    await expectRunRefused(server, 'legacy-60m', '60,000,000 positions, above the limit of 50,000,000');
  });
});

test('When MAX_MATRIX_POSITIONS is set, then it is the limit, past 2^31 too; a value that is not a whole number up to 2^53 - 1 is refused naming it', () => {
  expect(limitsFromEnv({}).maxMatrixPositions).toBe(DEFAULT_MAX_MATRIX_POSITIONS);
  expect(limitsFromEnv({ MAX_MATRIX_POSITIONS: '100000000' }).maxMatrixPositions).toBe(100_000_000);
  expect(limitsFromEnv({ MAX_MATRIX_POSITIONS: '3000000000' }).maxMatrixPositions).toBe(3_000_000_000);
  for (const bad of ['lots', '-1', '0', '1.5', '1e17', ' 100', '0x10', '1e3']) {
    expect(() => limitsFromEnv({ MAX_MATRIX_POSITIONS: bad })).toThrow(expect.objectContaining({ field: 'MAX_MATRIX_POSITIONS' }));
  }
});
