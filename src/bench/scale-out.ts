/**
 * The scale-out path: the whole be-config-2021 run on PostgreSQL, in process and through Redis
 * with one and with two `virtio-matrix worker` processes, beside a raw node-postgres insert of as many rows in
 * shard-sized transactions into a table of the same shape (primary key and foreign key). Needs the
 * PostgreSQL and Redis this machine kind runs (BENCH_PG_URL, BENCH_REDIS_URL to point elsewhere).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { openDatabase } from '../db/database';
import { createServices } from '../composition';
import { startRun } from '../runs/commands';
import type { RunQueue } from '../runs/types';
import { ensureSeedMatrices } from '../matrices/seed';
import { PROBE_RUNS_QUEUE, RUNS_QUEUE, redisConnection } from '../runs/redis/jobs';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
/** Node options for the worker processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (Node refuses --cpu-prof in NODE_OPTIONS). */
const WORKER_NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** Warm runs of each pool, alternated 1 worker, 2 workers (BENCH_WARM_PAIRS, odd): the goal is the median pair's ratio. */
const WARM_PAIRS = warmPairs(process.env.BENCH_WARM_PAIRS);

function warmPairs(setting: string | undefined): number {
  const pairs = Number(setting ?? 5);
  if (!Number.isInteger(pairs) || pairs < 1 || pairs % 2 === 0) throw new Error(`BENCH_WARM_PAIRS must be an odd whole number (got ${setting})`);
  return pairs;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A worker's log line of one job it finished (`JobEvent`, logged by the worker command at info). */
interface LoggedJob {
  pid: number;
  name: 'shard' | 'finish';
  runId: string;
  startedAt: number;
  endedAt: number;
  phases: Record<string, number>;
}

/** What a worker did before its first job (its `engine warm…` log line, src/runs/warm-up.ts). */
interface LoggedWarmUp {
  pid: number;
  positions: number;
  ms: number;
  interrupted: boolean;
}

/** Collects the job and warm-up lines of these workers' logs (stdout, one JSON object a line); other lines but info pass to stderr. */
function collectJobs(workers: ChildProcess[]): { jobs: LoggedJob[]; warmUps: LoggedWarmUp[] } {
  const jobs: LoggedJob[] = [];
  const warmUps: LoggedWarmUp[] = [];
  for (const w of workers) {
    createInterface({ input: w.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Partial<LoggedJob> & Partial<LoggedWarmUp> & { kind?: string; msg?: string };
        if (entry.kind === 'engine' && entry.startedAt !== undefined) return void jobs.push(entry as LoggedJob);
        // The warm-up's end, whether done or stopped (a failure is logged at error, passed on below).
        if (entry.msg?.startsWith('engine warm') && typeof entry.positions === 'number') warmUps.push(entry as LoggedWarmUp);
      } catch {
        // not a log line
      }
      if (!/"level":30/.test(line)) process.stderr.write(`${line}\n`);
    });
  }
  return { jobs, warmUps };
}

interface RunTimes {
  /** Epoch ms: the bench called startRun, startRun returned (run stored and its flow enqueued), idle() resolved. */
  start: number;
  enqueued: number;
  idle: number;
}

/** Where a run's wall went, from the workers' job lines: the serial parts before, between and after the shards. */
function timeline(label: string, runId: string, times: RunTimes, jobs: LoggedJob[]): string {
  const mine = jobs.filter((j) => j.runId === runId).sort((a, b) => a.startedAt - b.startedAt);
  const shards = mine.filter((j) => j.name === 'shard');
  const finish = mine.find((j) => j.name === 'finish');
  if (!shards.length || !finish) return `  ${label}: no job lines for run ${runId}`;
  const lines = [`  ${label} timeline (ms from startRun): enqueued ${times.enqueued - times.start}, first shard ${shards[0].startedAt - times.start}, ` +
    `last shard ended ${Math.max(...shards.map((j) => j.endedAt)) - times.start}, finish ${finish.startedAt - times.start}-${finish.endedAt - times.start} ` +
    `(${Object.entries(finish.phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}), idle() resolved ${times.idle - times.start}`];
  for (const pid of [...new Set(shards.map((j) => j.pid))]) {
    const own = shards.filter((j) => j.pid === pid);
    const phases: Record<string, number> = {};
    for (const j of own) for (const [k, v] of Object.entries(j.phases)) phases[k] = (phases[k] ?? 0) + v;
    const span = Math.max(...own.map((j) => j.endedAt)) - own[0].startedAt;
    // Jobs in flight side by side overlap: the worker is busy while at least one is.
    let busy = 0;
    let until = -Infinity;
    for (const j of own) {
      busy += Math.max(0, j.endedAt - Math.max(j.startedAt, until));
      until = Math.max(until, j.endedAt);
    }
    lines.push(`    worker ${pid}: ${own.length} shards over ${span} ms, with a job in hand ${busy} ms, none ${span - busy} ms; ` +
      `phases summed over jobs (they overlap when two are in flight): ${Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  }
  return lines.join('\n');
}

/** CPU seconds a process has used so far (user + system, from /proc: Linux only; NaN elsewhere; 0 once it is gone). */
function cpuSeconds(pid: number, thread?: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return process.platform === 'linux' ? 0 : NaN;
  }
}

/** This machine's processes of a program (by /proc/PID/comm): the PostgreSQL server's backends, Redis. */
function pidsOf(program: string): number[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === program;
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/** CPU seconds of each group of processes (summed) while `fn` ran; a group's processes are listed again after, so new PostgreSQL backends count. */
async function cpuDuring<T>(groups: Array<() => number[]>, fn: () => Promise<T>): Promise<{ result: T; cpu: number[] }> {
  const sum = (pids: number[], at: Map<number, number>) => pids.reduce((total, pid) => total + cpuSeconds(pid) - (at.get(pid) ?? 0), 0);
  const before = groups.map((pids) => new Map(pids().map((pid) => [pid, cpuSeconds(pid)])));
  const result = await fn();
  return { result, cpu: groups.map((pids, i) => sum(pids(), before[i])) };
}

/** CPU seconds of each process's main thread (the one running JavaScript) while `fn` ran; the rest of a Node process is GC, JIT and I/O threads. */
async function mainThreadCpuDuring<T>(pids: number[], fn: () => Promise<T>): Promise<{ result: T; cpu: number[] }> {
  const before = pids.map((pid) => cpuSeconds(pid, pid));
  const result = await fn();
  return { result, cpu: pids.map((pid, i) => cpuSeconds(pid, pid) - before[i]) };
}

/** The service a run is started from: its store, its queue (in process, or Redis for the workers). */
interface Service {
  services: ReturnType<typeof createServices>['services'];
  queue: RunQueue;
  close(): Promise<void>;
}

async function openService(schema: string, redis?: { url: string; prefix: string }): Promise<Service> {
  const db = await openDatabase(`${PG_URL}?schema=${schema}`);
  const { services, queue, probeQueue } = createServices(db, { redisUrl: redis?.url, redisPrefix: redis?.prefix });
  await ensureSeedMatrices(services.matrices);
  return {
    services, queue,
    async close() {
      await queue.close();
      await probeQueue.close();
      await db.close();
    },
  };
}

/** One full run, started as the service starts one; returns its cells and milliseconds. */
async function fullRun({ services, queue }: Service): Promise<{ cells: number; ms: number; runId: string; times: RunTimes }> {
  const start = now();
  const startedAt = Date.now();
  const run = await startRun(services.runDeps, 'be-config-2021', 'bench');
  const enqueued = Date.now();
  await queue.idle();
  const ms = now() - start;
  const times = { start: startedAt, enqueued, idle: Date.now() };
  const done = (await services.store.getRun(run.id))!;
  if (done.status !== 'succeeded') throw new Error(`run ${run.id} ${done.status}: ${done.error}`);
  return { cells: done.ok + done.degraded + done.broken + done.probeFailed, ms, runId: run.id, times };
}

function startWorkers(count: number, schema: string, prefix: string): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, [...WORKER_NODE_ARGS, BIN, 'worker'], {
    env: { ...process.env, DATABASE_URL: `${PG_URL}?schema=${schema}`, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  }));
}

/** The same rows as the run writes, through node-postgres alone, 50,000 per transaction. */
async function rawInsert(schema: string, rows: number): Promise<number> {
  return admin(async (client) => {
    await client.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}";
      CREATE TABLE "Run" ("id" SERIAL PRIMARY KEY);
      CREATE TABLE "Result" ("runId" INTEGER NOT NULL REFERENCES "Run"("id") ON DELETE CASCADE, "position" INTEGER NOT NULL, "verdict" INTEGER NOT NULL,
        "negotiatedLo" INTEGER NOT NULL, "negotiatedHi" INTEGER NOT NULL, "clearedLo" INTEGER NOT NULL, "clearedHi" INTEGER NOT NULL,
        "effective" DOUBLE PRECISION NOT NULL, PRIMARY KEY ("runId", "position"));
      INSERT INTO "Run" DEFAULT VALUES;`);
    const start = now();
    for (let from = 0; from < rows; from += 50_000) {
      const n = Math.min(50_000, rows - from);
      const positions = Array.from({ length: n }, (_, i) => from + i);
      const same = (v: number) => `{${new Array(n).fill(v).join(',')}}`;
      await client.query('BEGIN');
      await client.query(`INSERT INTO "Result" SELECT 1, * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[], $7::float8[])`,
        [`{${positions.join(',')}}`, same(0), same(0x30006e14), same(1), same(0), same(0), same(512)]);
      await client.query('COMMIT');
    }
    return now() - start;
  });
}

interface PoolRun {
  run: Awaited<ReturnType<typeof fullRun>>;
  /** CPU seconds while it ran: each worker, then the bench process, PostgreSQL (all its processes), Redis. */
  cpu: number[];
  /** CPU seconds of each worker's main thread. */
  mainThreads: number[];
  load: number;
}

/** One run on a pool of workers, with the CPU its workers, this process, PostgreSQL and Redis used. */
async function poolRun(pool: ChildProcess[], service: Service): Promise<PoolRun> {
  const groups = [...pool.map((w) => () => [w.pid!]), () => [process.pid], () => pidsOf('postgres'), () => pidsOf('redis-server')];
  const { result: { result: run, cpu: mainThreads }, cpu } = await cpuDuring(groups, () => mainThreadCpuDuring(pool.map((w) => w.pid!), () => fullRun(service)));
  return { run, cpu, mainThreads, load: loadavg()[0] };
}

function cpuLine({ run, cpu, mainThreads }: PoolRun): string {
  const workers = cpu.slice(0, -3);
  const [bench, postgres, redis] = cpu.slice(-3);
  const all = cpu.reduce((a, b) => a + b, 0);
  return `worker CPU ${workers.map((c) => `${c.toFixed(2)} s`).join(' + ')} (main threads ${mainThreads.map((c) => `${c.toFixed(2)} s`).join(' + ')}), PostgreSQL ${postgres.toFixed(2)} s, Redis ${redis.toFixed(2)} s, ` +
    `bench process ${bench.toFixed(2)} s: ${all.toFixed(2)} s in ${(run.ms / 1000).toFixed(2)} s wall (${(all / run.ms * 1000).toFixed(2)} cores)`;
}

export async function benchScaleOut(): Promise<void> {
  const tag = `vm_bench_${process.pid}`;
  const schemas = [`${tag}_inproc`, `${tag}_worker1`, `${tag}_raw`, `${tag}_workers2`];
  try {
    await admin((c) => c.query('SELECT 1'));
  } catch (err) {
    console.log(`scale-out: skipped, no PostgreSQL at ${PG_URL} (${(err as Error).message})`);
    return;
  }
  // Started first, so both pools are up and waiting by the time their runs are queued.
  const one = startWorkers(1, schemas[1], `${tag}_1`);
  const two = startWorkers(2, schemas[3], `${tag}_2`);
  const workers = [...one, ...two];
  const services: Service[] = [];
  const logs = [collectJobs(one), collectJobs(two)];
  const jobs = logs.map((l) => l.jobs);
  try {
    // Their warm-ups over before the in-process run, which they would otherwise share the cores with.
    const warmedUp = () => logs.reduce((n, l) => n + l.warmUps.length, 0) === workers.length;
    for (const deadline = Date.now() + 60_000; !warmedUp() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 50));
    const local = await openService(schemas[0]);
    const inProcess = await fullRun(local).finally(() => local.close());
    const loads = [loadavg()[0]];
    // Each pool's first run is cold: its workers' first plan and first statements are inside it, and
    // the service's (one per pool, as a server is long-lived). The runs after it are what
    // long-lived workers and service do.
    const opened = (service: Service) => (services.push(service), service);
    const service1 = opened(await openService(schemas[1], { url: REDIS_URL, prefix: `${tag}_1` }));
    const service2 = opened(await openService(schemas[3], { url: REDIS_URL, prefix: `${tag}_2` }));
    const cold1 = await poolRun(one, service1);
    const cold2 = await poolRun(two, service2);
    // One warm run of each pool lasts 1-2 s, and on a 2-core machine a single pair's ratio moved
    // between 0.97x and 1.48x within minutes: the goal is judged on the median of alternated pairs.
    const pairs: Array<[PoolRun, PoolRun]> = [];
    for (let i = 0; i < WARM_PAIRS; i++) pairs.push([await poolRun(one, service1), await poolRun(two, service2)]);
    const ratioOf = ([w1, w2]: [PoolRun, PoolRun]) => w1.run.ms / w2.run.ms;
    const [warm1, warm2] = [...pairs].sort((a, b) => ratioOf(a) - ratioOf(b))[Math.floor(pairs.length / 2)];
    const rawMs = await rawInsert(schemas[2], inProcess.cells);
    const rate = (cells: number, ms: number) => `${(ms / 1000).toFixed(2)} s = ${Math.round(cells / ms * 1000).toLocaleString()} cells/s`;
    console.log(`be-config-2021 on PostgreSQL, in process: ${inProcess.cells.toLocaleString()} cells in ${rate(inProcess.cells, inProcess.ms)}`);
    for (const [label, cold, warm] of [['1 worker process', cold1, warm1], ['2 worker processes', cold2, warm2]] as const) {
      console.log(`be-config-2021 on PostgreSQL, ${label} through Redis: first run (cold workers) ${rate(cold.run.cells, cold.run.ms)}; warm (the median pair) ${rate(warm.run.cells, warm.run.ms)}`);
    }
    console.log(`raw node-postgres unnest insert of ${inProcess.cells.toLocaleString()} rows, 50,000 per transaction: ${rate(inProcess.cells, rawMs)}`);
    for (const [label, run] of [['1 worker, cold', cold1], ['2 workers, cold', cold2], ['1 worker, warm', warm1], ['2 workers, warm', warm2]] as const) {
      console.log(`  ${label}: ${cpuLine(run)}`);
    }
    console.log(`  warm pairs, alternated (1 worker s / 2 workers s = ratio): ${pairs.map(([w1, w2]) => `${(w1.run.ms / 1000).toFixed(2)}/${(w2.run.ms / 1000).toFixed(2)} = ${ratioOf([w1, w2]).toFixed(2)}x`).join(', ')}`);
    const warmUps = logs.flatMap((l) => l.warmUps);
    console.log(`  the workers' engine warm-up while waiting for their first job (src/runs/warm-up.ts): ${warmUps.length
      ? warmUps.map((w) => `${w.positions.toLocaleString()} positions in ${w.ms} ms${w.interrupted ? ' (a job came first)' : ''}`).join(', ')
      : 'none logged'}`);
    console.log(`  load average (1 min) before the pool runs and after each: ${[...loads, ...[cold1, cold2, ...pairs.flat()].map((r) => r.load)].map((l) => l.toFixed(1)).join(' / ')}`);
    console.log(timeline('1 worker, cold', cold1.run.runId, cold1.run.times, jobs[0]));
    console.log(timeline('2 workers, cold', cold2.run.runId, cold2.run.times, jobs[1]));
    console.log(timeline('1 worker, warm (median pair)', warm1.run.runId, warm1.run.times, jobs[0]));
    console.log(timeline('2 workers, warm (median pair)', warm2.run.runId, warm2.run.times, jobs[1]));
    const cold = cold1.run.ms / cold2.run.ms;
    const warm = ratioOf([warm1, warm2]);
    console.log(`  2 workers / 1 worker speed-up, warm (long-lived workers, the goal; median of ${pairs.length} pairs): ${warm.toFixed(2)}x (goal >= 1.5x: ${warm >= 1.5 ? 'met' : 'NOT met'}); ` +
      `cold (fresh processes, first run): ${cold.toFixed(2)}x; ratios to the raw insert: in process ${(inProcess.ms / rawMs).toFixed(2)}x, 2 workers warm ${(warm2.run.ms / rawMs).toFixed(2)}x`);
  } finally {
    for (const service of services) await service.close();
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((resolve) => w.once('exit', resolve)) : null)));
    // The runs' jobs are kept an hour in Redis (duplicate enqueues): this bench's prefixes go with it.
    for (const prefix of [`${tag}_1`, `${tag}_2`]) {
      for (const name of [RUNS_QUEUE, PROBE_RUNS_QUEUE]) {
        const queue = new Queue(name, { connection: redisConnection(REDIS_URL, 'producer'), prefix });
        await queue.obliterate({ force: true });
        await queue.close();
      }
    }
    await admin(async (c) => {
      for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    });
  }
}
