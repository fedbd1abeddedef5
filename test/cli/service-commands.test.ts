/** `virtio-matrix run`: a matrix without a server, JSON summary last; unknown matrix is exit 2; --fail-on fails CI. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/database';
import { createMatrix } from '../../src/matrices/create-matrix';
import { storesOf } from '../../src/composition';
import { InvalidCombinationError, MatrixPlan, SKIPPED, VERDICTS, evaluate } from '../../src/engine';
import { BE_CONFIG_2021 } from '../../src/matrices/seed';
import { planShards } from '../../src/runs/shard-plan';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('When an unknown matrix is run, then exit 2 with a NOT_FOUND error naming the matrix', () => {
  const r = spawnSync(process.execPath, [BIN, 'run', '--matrix', 'nope', '--db', join(dir, 'a.db')], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(JSON.parse(r.stderr.trim().split('\n').pop()!).error).toEqual({ code: 'NOT_FOUND', message: 'no matrix "nope"', field: 'matrix' });
});

test('When be-config-2021 is run from the command line, then the summary comes last, counts every position of the seed matrix, and its counts are the verdicts the run stored', async () => {
  const db = join(dir, 'seed.db');
  const r = spawnSync(process.execPath, [BIN, 'run', '--matrix', 'be-config-2021', '--db', db], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(summary).toMatchObject({ runId: '1', matrix: 'be-config-2021', status: 'succeeded' });
  // Every value set multiplied out; blk and net take one device variant per blk_size and mtu value.
  const seed = BE_CONFIG_2021 as Required<typeof BE_CONFIG_2021>;
  const variants = seed.devices.length - 2 + seed.config.blk_size.length + seed.config.mtu.length;
  const axes = [seed.archs, seed.transports, seed.modes, seed.backends, seed.hypervisors, seed.kernels, seed.strategies];
  expect(summary.positions).toBe(axes.reduce((n, values) => n * values.length, variants));
  // The counters are added shard by shard; the grid is written once when the run finishes: both must say the same.
  const store = await openDatabase(`file:${db}`);
  const runs = storesOf(store).runs;
  const grid = await runs.grid((await runs.getRun(summary.runId))!);
  await store.close();
  const histogram = [0, 0, 0, 0];
  let skipped = 0;
  for (const v of grid) {
    if (v === SKIPPED) skipped++;
    else histogram[v]++;
  }
  expect(grid.length).toBe(summary.positions);
  expect(summary).toMatchObject({ ok: histogram[0], degraded: histogram[1], broken: histogram[2], probeFailed: histogram[3], skipped, cells: summary.positions - skipped });
  expect(summary.broken).toBeGreaterThan(0);
  // Positions spread over the matrix, each evaluated alone, have the verdict the run stored.
  const plan = new MatrixPlan(BE_CONFIG_2021);
  for (let p = 7; p < plan.size; p += 104_729) {
    let verdict: number = SKIPPED;
    try {
      verdict = VERDICTS.indexOf(evaluate(plan.combinationAt(p), { trace: false }).verdict);
    } catch (err) {
      if (!(err instanceof InvalidCombinationError)) throw err;
    }
    expect([p, grid[p]]).toEqual([p, verdict]);
  }
}, 120_000);

describe('run --fail-on', () => {
  const spec = { archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1'], kernels: ['5.14'], strategies: ['pre-fix', 'write-back'], config: { blk_size: [512, 4096] } };
  let db: string;
  beforeAll(async () => {
    db = join(dir, 'fail-on.db');
    const store = await openDatabase(`file:${db}`);
    await createMatrix(storesOf(store).matrices, { name: 'dasd', spec });
    await store.close();
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'run', '--matrix', 'dasd', '--db', db, ...args], { encoding: 'utf8' });

  test('When a matrix with BROKEN cells is run with --fail-on broken, then exit 1 and the summary counts the failing cells; without it, exit 0', () => {
    // pre-fix 5.14 on a 4096-byte DASD is the 2021 bug: the guest runs 512-byte blocks.
    const failing = run('--fail-on', 'broken');
    expect(failing.status).toBe(1);
    const summary = JSON.parse(failing.stdout.trim().split('\n').pop()!);
    // The four cells evaluated one by one: only pre-fix on the 4096-byte disk breaks.
    const cell = (strategy: string, blkSize: number) => evaluate({ arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1', kernel: '5.14', strategy, config: { blk_size: blkSize } }).verdict;
    expect([cell('pre-fix', 4096), cell('pre-fix', 512), cell('write-back', 4096), cell('write-back', 512)].map((v) => v === 'BROKEN' || v === 'PROBE_FAILED'))
      .toEqual([true, false, false, false]);
    expect(summary).toMatchObject({ status: 'succeeded', failOn: 'broken', failing: 1, cells: 4, positions: 4 });
    const plain = run();
    expect(plain.status).toBe(0);
    expect(JSON.parse(plain.stdout.trim().split('\n').pop()!)).not.toHaveProperty('failOn');
  }, 60_000);

  test('When a matrix is run from the command line, then Prisma\'s client is never loaded: every query on the way is plain SQL', () => {
    // Prints, as the process exits, the modules it loaded from Prisma's client and its drivers.
    const hook = join(dir, 'loaded-modules.js');
    writeFileSync(hook, `process.on('exit', () => process.stderr.write('\\nloaded ' + JSON.stringify(Object.keys(require.cache).filter((m) => /@prisma\\/(client|adapter-)|\\/db\\/generated/.test(m))) + '\\n'));`);
    const r = spawnSync(process.execPath, ['--require', hook, BIN, 'run', '--matrix', 'dasd', '--db', db], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const loaded = JSON.parse(r.stderr.trim().split('\n').pop()!.replace(/^loaded /, '')) as string[];
    expect(loaded.filter((m) => /@prisma\/client|\/db\/generated|adapter-pg/.test(m))).toEqual([]);
    // The hook sees the store's modules: the SQLite driver adapter was loaded.
    expect(loaded.some((m) => m.includes('@prisma/adapter-better-sqlite3'))).toBe(true);
  }, 60_000);

  test('When --fail-on names something else, then exit 2 naming the option and nothing runs', () => {
    const r = run('--fail-on', 'warnings');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr.trim().split('\n').pop()!).error).toMatchObject({ field: 'fail-on' });
    expect(r.stdout).toBe('');
  });
});

describe('run resumes its own unfinished run', () => {
  const spec = { archs: ['s390x', 'x86_64'], transports: ['ccw', 'pci'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1'], kernels: ['5.14', '5.15'], strategies: ['pre-fix', 'write-back'], config: { blk_size: [512, 4096] } };
  let db: string;
  let interrupted: string;
  let other: string;
  beforeAll(async () => {
    db = join(dir, 'resume.db');
    const store = await openDatabase(`file:${db}`);
    const matrix = await createMatrix(storesOf(store).matrices, { name: 'dasd', spec });
    const runs = storesOf(store).runs;
    // Another trigger's unfinished run is not this command's to take over.
    other = (await runs.createRun(matrix, 'graphql', planShards(matrix.positions))).id;
    // As a `run` killed after it started: running, no shard done.
    interrupted = (await runs.createRun(matrix, 'cli', planShards(matrix.positions))).id;
    await runs.markRunning(interrupted);
    await store.close();
  });

  test('When run finds a cli run of the matrix left running, then it says so on stderr, finishes that run and starts none; the next run starts a new one', async () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '--matrix', 'dasd', '--db', db], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`resuming run ${interrupted} of matrix "dasd" (running, 0/`);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toMatchObject({ runId: interrupted, status: 'succeeded', resumed: true });
    const next = spawnSync(process.execPath, [BIN, 'run', '--matrix', 'dasd', '--db', db], { encoding: 'utf8' });
    expect(next.stderr).not.toContain('resuming');
    const summary = JSON.parse(next.stdout.trim().split('\n').pop()!);
    expect(summary.runId).not.toBe(interrupted);
    expect(summary).not.toHaveProperty('resumed');
    const store = await openDatabase(`file:${db}`);
    const rows = await store.prisma.run.findMany({ orderBy: { id: 'asc' }, select: { id: true, status: true, trigger: true } });
    await store.close();
    expect(rows).toEqual([
      { id: Number(other), status: 'queued', trigger: 'graphql' },
      { id: Number(interrupted), status: 'succeeded', trigger: 'cli' },
      { id: Number(summary.runId), status: 'succeeded', trigger: 'cli' },
    ]);
  }, 60_000);
});
