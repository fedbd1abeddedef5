/** `virtio-matrix worker` as a real process: `run` with REDIS_URL hands the matrix to it, through Redis, into PostgreSQL. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MatrixPlan, Simulator, VERDICTS } from '../../src/engine';
import { openDatabase } from '../../src/db/database';
import { createMatrix } from '../../src/matrices/create-matrix';
import { storesOf } from '../../src/composition';
import { testDatabase, type TestDatabase } from '../support/databases';
import { testRedis, type TestRedis } from '../support/redis';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
const spec = { archs: ['s390x'], transports: ['ccw'], devices: ['blk', 'net'], modes: ['transitional'], hypervisors: ['qemu-7.2'], kernels: ['5.14', '5.15-rc5', '5.15'], strategies: ['pre-fix', 'write-back'], config: { blk_size: [512, 4096], mtu: [1280, 9000] } };

let testDb: TestDatabase;
let redis: TestRedis;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  testDb = await testDatabase('postgresql', 'cli_worker');
  redis = testRedis('cli');
  const db = await openDatabase(testDb.url);
  await createMatrix(storesOf(db).matrices, { name: 'small', spec });
  await db.close();
});

afterAll(async () => {
  worker?.kill('SIGKILL');
  await redis.flush();
  await testDb.drop();
});

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('When a worker is started without Redis, then exit 2 naming the redis field', () => {
  const r = spawnSync(process.execPath, [BIN, 'worker'], { encoding: 'utf8', env: { ...process.env, REDIS_URL: '', DATABASE_URL: testDb.url } });
  expect(r.status).toBe(2);
  expect(JSON.parse(r.stderr.trim()).error).toMatchObject({ field: 'redis' });
});

test('When `run` is given REDIS_URL, then a separate worker process executes it and the summary counts what the engine says', async () => {
  const env = { DATABASE_URL: testDb.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, LOG_LEVEL: 'info' };
  worker = spawn(process.execPath, [BIN, 'worker'], { env: { ...process.env, ...env } });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    worker!.stdout!.on('data', (d) => {
      log += d;
      if (log.includes('virtio-matrix worker ready')) resolve();
    });
    worker!.on('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });

  const r = await run(['run', '--matrix', 'small'], env);
  expect(r.status).toBe(0);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const plan = new MatrixPlan(spec);
  const sim = new Simulator();
  const expected = { OK: 0, DEGRADED: 0, BROKEN: 0, PROBE_FAILED: 0 };
  plan.forEachCell(0, plan.size, (cell) => { expected[VERDICTS[sim.run(cell)]]++; }, () => undefined);
  expect(summary).toMatchObject({ matrix: 'small', status: 'succeeded', ok: expected.OK, degraded: expected.DEGRADED, broken: expected.BROKEN, probeFailed: expected.PROBE_FAILED });
  expect(expected.BROKEN).toBeGreaterThan(0); // pre-fix s390x: the 2021 bug is in this matrix

  const lines = log.trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.filter((l) => l.name === 'shard' && l.outcome === 'committed' && l.runId === summary.runId)).toHaveLength(1);
  const exited = new Promise<number | null>((resolve) => worker!.on('exit', resolve));
  worker.kill('SIGTERM');
  expect(await exited).toBe(0);
  worker = undefined;
}, 60_000);
