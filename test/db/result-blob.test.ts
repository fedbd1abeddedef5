/** The result blob format: what goes in comes out position by position, whatever the outcomes; other formats are refused. */
import fc from 'fast-check';
import { deflateRawSync } from 'node:zlib';
import { SKIPPED } from '../../src/engine';
import { ResultBlobError, decodeGrid, decodeResults, decodeVerdicts, encodeGrid, encodeResults } from '../../src/db/result-blob';
import { ResultBatch } from '../../src/runs/types';

interface Cell { at: number; verdict: number; nLo: number; nHi: number; cLo: number; cHi: number; effective: number }

function batchOf(from: number, cells: Cell[]): ResultBatch {
  const batch = new ResultBatch(Math.max(1, cells.length));
  for (const c of cells) {
    const i = batch.length++;
    batch.positions[i] = from + c.at;
    batch.verdicts[i] = c.verdict;
    batch.negotiatedLo[i] = c.nLo;
    batch.negotiatedHi[i] = c.nHi;
    batch.clearedLo[i] = c.cLo;
    batch.clearedHi[i] = c.cHi;
    batch.effective[i] = c.effective;
  }
  return batch;
}

const word = fc.integer({ min: 0, max: 0xffffffff });
// Few distinct values, as in a real shard, so the dictionary is shared between cells.
const fewWords = fc.constantFrom(0, 1, 0x30006e14, 0xffffffff, 0x80000000);
const cell = (count: number) => fc.record({
  at: fc.integer({ min: 0, max: count - 1 }), verdict: fc.integer({ min: 0, max: 3 }),
  nLo: fc.oneof(word, fewWords), nHi: fewWords, cLo: fewWords, cHi: fc.oneof(word, fewWords),
  effective: fc.constantFrom(-1, 512, 4096, 1500, 9000, 0.5),
});

test('When a range with any results is encoded, then decoding gives each stored position its result and every other position none', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 100_000 }), fc.integer({ min: 1, max: 600 }).chain((count) => fc.tuple(fc.constant(count), fc.uniqueArray(cell(count), { selector: (c) => c.at, maxLength: count }))), (from, [count, cells]) => {
    const blob = encodeResults(from, from + count, batchOf(from, cells));
    const decoded = decodeResults(blob);
    const verdicts = decodeVerdicts(blob);
    expect(decoded.from).toBe(from);
    expect(decoded.to).toBe(from + count);
    expect(verdicts.from).toBe(from);
    const byAt = new Map(cells.map((c) => [c.at, c]));
    const expected = Array.from({ length: count }, (_, at) => {
      const c = byAt.get(at);
      return c ? { position: from + at, verdict: c.verdict, negotiated: { lo: c.nLo, hi: c.nHi }, cleared: { lo: c.cLo, hi: c.cHi }, effective: c.effective < 0 ? null : c.effective } : null;
    });
    expect(Array.from({ length: count }, (_, at) => decoded.at(from + at))).toEqual(expected);
    expect(Array.from(verdicts.verdicts)).toEqual(expected.map((r) => r?.verdict ?? SKIPPED));
    expect(decoded.at(from - 1)).toBeNull();
    expect(decoded.at(from + count)).toBeNull();
  }), { numRuns: 100 });
});

test.each([300, 70_000])('When a shard has %i distinct outcomes (wider dictionary indices), then every cell decodes to its own', (distinct) => {
  const cells = Array.from({ length: distinct }, (_, at) => ({ at, verdict: at % 4, nLo: at * 7919, nHi: at, cLo: 0, cHi: at >>> 3, effective: at % 2 ? -1 : at }));
  const decoded = decodeResults(encodeResults(100, 100 + distinct, batchOf(100, cells)));
  const wrong = cells.filter((c) => {
    const r = decoded.at(100 + c.at)!;
    return r.verdict !== c.verdict || r.negotiated.lo !== c.nLo >>> 0 || r.negotiated.hi !== c.nHi || r.cleared.hi !== c.cHi || r.effective !== (c.effective < 0 ? null : c.effective);
  });
  expect(wrong).toEqual([]);
});

test('When a result lies outside the range being encoded, then encoding refuses it', () => {
  expect(() => encodeResults(10, 20, batchOf(0, [{ at: 20, verdict: 0, nLo: 0, nHi: 0, cLo: 0, cHi: 0, effective: -1 }]))).toThrow(RangeError);
});

test('When a blob has another format byte or a body that does not hold its positions, then decoding is a ResultBlobError', () => {
  const blob = encodeResults(0, 4, batchOf(0, [{ at: 1, verdict: 2, nLo: 1, nHi: 0, cLo: 0, cHi: 0, effective: 512 }]));
  const newer = Uint8Array.from(blob);
  newer[0] = 2;
  expect(() => decodeResults(newer)).toThrow(ResultBlobError);
  expect(() => decodeVerdicts(newer)).toThrow(/format 2: this version reads format 1/);
  expect(() => decodeResults(new Uint8Array(0))).toThrow(ResultBlobError);
  // A header that claims more positions than the body has.
  const header = Buffer.alloc(12);
  header.writeUInt32LE(0, 0);
  header.writeUInt32LE(1000, 4);
  header.writeUInt32LE(0, 8);
  expect(() => decodeResults(Buffer.concat([Buffer.of(1), deflateRawSync(header)]))).toThrow(/does not hold 1000 positions/);
});

test('When a grid is stored deflated, then it reads back equal; a raw grid of an earlier version reads as it is', () => {
  const grid = Uint8Array.from({ length: 100_000 }, (_, i) => (i % 7 === 0 ? SKIPPED : i % 4));
  const stored = encodeGrid(grid);
  expect(stored.length).toBeLessThan(grid.length / 10);
  expect(decodeGrid(stored)).toEqual(grid);
  for (const first of [0, 1, 2, 3, SKIPPED]) {
    const raw = Uint8Array.of(first, 1, 2);
    expect(decodeGrid(raw)).toEqual(raw);
  }
});
