/**
 * The 2021 story told forward, computed by the engine the way a run computes it (MatrixPlan,
 * Simulator, diffAlongAxis) and checked against the fact sheet, not against recorded output:
 *
 * - §2: 82e89ea077b9's virtblk_validate() reads blk_size and clears VIRTIO_BLK_F_BLK_SIZE when
 *   `blk_size < 512 || blk_size > PAGE_SIZE`; without the feature Linux uses 512-byte blocks.
 * - §1/§5: QEMU fills config little-endian only once the driver has written VERSION_1; before
 *   that in the guest's order. The driver already counts VERSION_1 (a transport bit) as its own
 *   when the device offers it, so it decodes little-endian: a big-endian guest whose device
 *   offers VERSION_1 reads the value byte-swapped. Legacy devices do not offer VERSION_1.
 * - §1: 2f9a174f918e writes VERSION_1 alone before validate() exactly when the driver has a
 *   validate callback, the guest is big-endian and the device offers VERSION_1.
 */
import { readFileSync } from 'node:fs';
import {
  ARCH_NAMES, GridShape, MatrixPlan, MODES, SKIPPED, Simulator, TRANSPORT_NAMES, VERDICTS, createPatchRegistry, diffAlongAxis, evaluate, firstRegression,
  type PlannedCell,
} from '../../src/engine';
import { ARCHS } from '../../src/engine/profiles/archs';

const patches = createPatchRegistry(JSON.parse(readFileSync('examples/what-if/patches.json', 'utf8')) as unknown[]);
const KERNELS = ['5.13', '5.13+blk-size-check', '5.13+blk-size-check+write-back-v3'];
const BLK_SIZES = [512, 1024, 4096];
const KERNEL_AXIS = 6;

const plan = new MatrixPlan({
  archs: [...ARCH_NAMES], transports: [...TRANSPORT_NAMES], devices: ['blk'], modes: [...MODES],
  hypervisors: ['qemu-6.1'], kernels: KERNELS, config: { blk_size: BLK_SIZES },
}, { patches });
const shape = new GridShape(plan.radix);
const grid = new Uint8Array(plan.size).fill(SKIPPED);
const cells = new Map<number, { arch: string; mode: string; blkSize: number }>();
const sim = new Simulator();
plan.forEachCell(0, plan.size, (cell: PlannedCell, index) => {
  grid[index] = sim.run(cell, null);
  cells.set(index, { arch: cell.arch.name, mode: cell.mode, blkSize: cell.variant.config.blk_size as number });
});

const bswap32 = (v: number) => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** What the facts say the proposal does to a cell: the value validate() reads, and the verdict. */
function expectedWithProposal(c: { arch: string; mode: string; blkSize: number }): { read: number; verdict: string } {
  const offersVersion1 = c.mode !== 'legacy';
  const read = ARCHS[c.arch as keyof typeof ARCHS].endian === 'big' && offersVersion1 ? bswap32(c.blkSize) : c.blkSize;
  const pageSize = ARCHS[c.arch as keyof typeof ARCHS].defaultPageSize;
  const cleared = read < 512 || read > pageSize;
  // Cleared: the guest uses 512-byte blocks, which breaks a disk whose blocks are larger.
  return { read, verdict: !cleared ? 'OK' : c.blkSize === 512 ? 'DEGRADED' : 'BROKEN' };
}

function diff(base: string, head: string) {
  const pairs = new Map([[KERNELS.indexOf(base), KERNELS.indexOf(head)]]);
  return diffAlongAxis(shape, grid, KERNEL_AXIS, pairs, null, -1, plan.size);
}

const verdictAt = (position: number) => VERDICTS[grid[position]];

test('the matrix covers both byte orders and every mode with cells that exist', () => {
  const evaluated = [...cells.values()];
  expect(new Set(evaluated.map((c) => ARCHS[c.arch as keyof typeof ARCHS].endian))).toEqual(new Set(['big', 'little']));
  expect(new Set(evaluated.map((c) => c.mode))).toEqual(new Set(MODES));
  expect(evaluated.length).toBeGreaterThan(100);
});

test('5.13 has no blk validate(): every cell is OK', () => {
  for (const [position] of cells) if (shape.coord(position, KERNEL_AXIS) === 0) expect(verdictAt(position)).toBe('OK');
});

test('5.13 vs 5.13+blk-size-check: regressions exactly where a big-endian guest reads a byte-swapped blk_size, to the verdict the facts give', () => {
  const { pairs, totals } = diff('5.13', '5.13+blk-size-check');
  const regressed = new Set(pairs.map((p) => p.base));
  expect(totals).toEqual({ REGRESSION: regressed.size, FIX: 0, CHANGE: 0 });
  let bigEndianRegressions = 0;
  for (const [position, c] of cells) {
    if (shape.coord(position, KERNEL_AXIS) !== 0) continue;
    const head = position + shape.strides[KERNEL_AXIS];
    const expected = expectedWithProposal(c);
    expect({ ...c, verdict: verdictAt(head) }).toEqual({ ...c, verdict: expected.verdict });
    expect({ ...c, regressed: regressed.has(position) }).toEqual({ ...c, regressed: expected.verdict !== 'OK' });
    if (regressed.has(position)) {
      expect(ARCHS[c.arch as keyof typeof ARCHS].endian).toBe('big');
      bigEndianRegressions++;
    }
  }
  expect(bigEndianRegressions).toBeGreaterThan(0);
});

test('the write-back proposed on top turns every one of those regressions into a FIX, and changes nothing else', () => {
  const before = diff('5.13', '5.13+blk-size-check').pairs.map((p) => p.base + shape.strides[KERNEL_AXIS]);
  const { pairs, totals } = diff('5.13+blk-size-check', '5.13+blk-size-check+write-back-v3');
  expect(totals).toEqual({ REGRESSION: 0, FIX: before.length, CHANGE: 0 });
  expect(pairs.map((p) => p.base)).toEqual(before);
  for (const p of pairs) expect(verdictAt(p.head)).toBe('OK');
});

test('one cell by evaluate: the misread value is the byte swap of blk_size, and the trace names the proposed write-back that fixes it', () => {
  const cell = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1', config: { blk_size: 4096 } };
  const proposed = evaluate({ ...cell, kernel: '5.13+blk-size-check' }, { patches });
  expect(proposed.validateReads).toEqual([expect.objectContaining({ field: 'blk_size', driverValue: bswap32(4096), deviceValue: 4096 })]);
  expect(proposed.verdict).toBe('BROKEN');
  const fixed = evaluate({ ...cell, kernel: '5.13+blk-size-check+write-back-v3' }, { patches });
  const writeBack = fixed.trace!.find((s) => s.action === 'write-back VERSION_1');
  expect(writeBack?.detail).toMatch(/^write-back-v3:/);
  // 5.14 (which has 82e89ea077b9) with the real commit still names it.
  const released = evaluate({ ...cell, kernel: '5.14', strategy: 'write-back' });
  expect(released.trace!.find((s) => s.action === 'write-back VERSION_1')?.detail).toMatch(/^2f9a174f918e:/);
});

test('firstRegression along KERNEL from 5.13+blk-size-check finds the proposal and names it', () => {
  const cell = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1', config: { blk_size: 4096 }, kernel: '5.13+blk-size-check' };
  const r = firstRegression(cell, 'kernel', { patches });
  expect(r.found).toMatchObject({ before: '5.13', at: '5.13+blk-size-check', responsible: [{ id: 'blk-size-check', title: 'virtio-blk: Add validation for block size in config space', change: 'added' }] });
});
