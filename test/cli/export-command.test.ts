/** `export --run ID --format csv|jsonl [--out FILE]`: a row per evaluated position, as the store holds it; bad options and unknown runs write nothing. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatrixPlan, configKey, evaluate } from '../../src/engine';
import { openDatabase } from '../../src/db/database';
import { createMatrix } from '../../src/db/matrices';
import { createServices } from '../../src/services';
import { startRun } from '../../src/runs/commands';
import type { ExportRow } from '../../src/runs/export';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
// 2 x 2 x 2 x 2 x 2 x 2 x 3 = 384 combinations per device variant: one shard, a few hundred evaluated cells.
const SPEC = {
  archs: ['x86_64', 's390x'], transports: ['pci', 'ccw'], devices: ['blk', 'net'], modes: ['legacy', 'transitional'],
  hypervisors: ['qemu-6.1', 'qemu-8.2'], kernels: ['5.14', '6.1'], strategies: ['pre-fix', 'write-back', 'revert'],
  config: { blk_size: [512, 4096], mtu: [1500, 9000] },
};
let dir: string;
let file: string;
let runId: string;
/** Each evaluated position's row, from the engine. */
let expected: ExportRow[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-export-'));
  file = join(dir, 'store.db');
  const db = await openDatabase(`file:${file}`);
  const { services, queue, probeQueue } = createServices(db);
  await createMatrix(db, { name: 'export', spec: SPEC });
  runId = (await startRun(services.runDeps, 'export', 'test')).id;
  await queue.idle();
  const run = (await services.store.getRun(runId))!;
  // Each evaluated cell as the engine sees it on its own, not as the store holds it.
  const plan = new MatrixPlan(run.spec);
  const valid: number[] = [];
  plan.forEachCell(0, plan.size, (_cell, index) => valid.push(index));
  expected = valid.map((position) => {
    const c = plan.combinationAt(position);
    const o = evaluate(c, { trace: false });
    return {
      run: runId, position, arch: c.arch, transport: c.transport, device: c.device, mode: c.mode, backend: c.backend, hypervisor: c.hypervisor,
      kernel: c.kernel, strategy: c.strategy, config: configKey(c.config ?? {}), verdict: o.verdict,
      negotiated: o.negotiated, cleared: o.clearedInValidate, effective: Object.values(o.effective)[0] ?? null,
    };
  });
  expect(expected.length).toBe(run.ok + run.degraded + run.broken + run.probeFailed);
  await queue.close();
  await probeQueue.close();
  await db.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exportCli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'export', '--db', file, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** One CSV record: fields split on commas outside double quotes, "" inside them a quote. */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map(([, f]) => (f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f));
}

test('When a run is exported as JSON lines to a file, then there is a line per evaluated position, as the engine evaluates it', () => {
  const out = join(dir, 'run.jsonl');
  const r = exportCli('--run', runId, '--format', 'jsonl', '--out', out);
  expect(r.status).toBe(0);
  expect(r.stderr).toContain(`exported ${expected.length} rows of run ${runId} to ${out}`);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as ExportRow);
  expect(lines).toEqual(expected);
  expect(existsSync(`${out}.partial`)).toBe(false);
});

test('When a run is exported as CSV to stdout, then a header names the columns and each record holds a row, feature lists space-separated', () => {
  const r = exportCli('--run', runId, '--format', 'csv');
  expect(r.status).toBe(0);
  const [header, ...records] = r.stdout.trimEnd().split('\n');
  expect(header).toBe('run,position,arch,transport,device,mode,backend,hypervisor,kernel,strategy,config,verdict,negotiated,cleared,effective');
  expect(records.map(csvFields)).toEqual(expected.map((e) => [
    e.run, String(e.position), e.arch, e.transport, e.device, e.mode, e.backend, e.hypervisor, e.kernel, e.strategy, e.config, e.verdict,
    e.negotiated.join(' '), e.cleared.join(' '), e.effective === null ? '' : String(e.effective),
  ]));
});

test.each([
  [['--run', '1', '--format', 'xml'], 'BAD_USER_INPUT', 'format'],
  [['--run', 'one', '--format', 'csv'], 'BAD_USER_INPUT', 'run'],
  [['--run', '999', '--format', 'csv'], 'NOT_FOUND', 'run'],
])('When export is called with %j, then exit 2 with %s naming --%s and no file is written', (args, code, field) => {
  const out = join(dir, `bad-${code}-${field}.csv`);
  const r = exportCli(...args, '--out', out);
  expect(r.status).toBe(2);
  expect(JSON.parse(r.stderr.trim().split('\n').pop()!).error).toMatchObject({ code, field });
  expect(existsSync(out)).toBe(false);
  expect(existsSync(`${out}.partial`)).toBe(false);
});
