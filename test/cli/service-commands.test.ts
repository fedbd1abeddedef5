/** `virtio-matrix run`: a matrix without a server, JSON summary last; unknown matrix is exit 2. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'virtio-matrix.js');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'virtio-matrix-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('When an unknown matrix is run, then exit 2 with a JSON error naming the matrix', () => {
  const r = spawnSync(process.execPath, [BIN, 'run', '--matrix', 'nope', '--db', join(dir, 'a.db')], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(JSON.parse(r.stderr.trim().split('\n').pop()!).error).toMatchObject({ field: 'matrix' });
});

test('When be-config-2021 is run from the command line, then the summary comes last and counts every position', () => {
  const r = spawnSync(process.execPath, [BIN, 'run', '--matrix', 'be-config-2021', '--db', join(dir, 'seed.db')], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(summary).toMatchObject({ runId: '1', matrix: 'be-config-2021', status: 'succeeded' });
  expect(summary.cells).toBeGreaterThan(1_000_000);
  expect(summary.ok + summary.degraded + summary.broken + summary.probeFailed).toBe(summary.cells);
  expect(summary.cells + summary.skipped).toBe(summary.positions);
  expect(summary.broken).toBeGreaterThan(0);
});
