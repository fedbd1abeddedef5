import fc from 'fast-check';
import {
  ChunkVerdicts, GridShape, SKIPPED, allPairsAlongAxis, allPairsBetweenGrids, cellPage, compareGrids, countCells, diffAlongAxis, pairsPage, transitionOf, type Transition,
} from '../../src/engine/grid';

/** Random small grids: radix, an allowed list (or null) per axis, and verdicts with some skipped. */
const grid = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((radix) => {
  const size = radix.reduce((a, b) => a * b, 1);
  return fc.record({
    radix: fc.constant(radix),
    allowed: fc.tuple(...radix.map((r) => fc.option(fc.uniqueArray(fc.integer({ min: 0, max: r - 1 }), { minLength: 1 }).map((a) => a.sort((x, y) => x - y)), { nil: null }))),
    verdicts: fc.array(fc.constantFrom(0, 1, 2, 3, SKIPPED), { minLength: size, maxLength: size }).map((a) => Uint8Array.from(a)),
  });
});

function bruteAllowed(shape: GridShape, allowed: readonly (readonly number[] | null)[]): number[] {
  const out: number[] = [];
  for (let p = 0; p < shape.size; p++) {
    if (allowed.every((list, axis) => list === null || list.includes(shape.coord(p, axis)))) out.push(p);
  }
  return out;
}

describe('verdict grids', () => {
  test('transitions: worse is a REGRESSION, better a FIX, BROKEN <-> PROBE_FAILED a CHANGE', () => {
    expect(transitionOf(0, 2)).toBe('REGRESSION');
    expect(transitionOf(3, 1)).toBe('FIX');
    expect(transitionOf(2, 3)).toBe('CHANGE');
    expect(transitionOf(1, 1)).toBeNull();
  });

  test('walking allowed positions visits exactly the positions whose coordinates are allowed, in order', () => {
    fc.assert(fc.property(grid, ({ radix, allowed }) => {
      const shape = new GridShape(radix);
      const seen: number[] = [];
      shape.walk(0, allowed, (p) => (seen.push(p), true));
      expect(seen).toEqual(bruteAllowed(shape, allowed));
    }));
  });

  test('a cell page after a cursor is the next matching positions, and hasNext tells if more exist', () => {
    fc.assert(fc.property(grid, fc.integer({ min: -1, max: 40 }), fc.integer({ min: 1, max: 5 }), ({ radix, allowed, verdicts }, after, first) => {
      const shape = new GridShape(radix);
      const matching = bruteAllowed(shape, allowed).filter((p) => verdicts[p] !== SKIPPED && verdicts[p] !== 0 && p > after);
      const page = cellPage(shape, verdicts, allowed, new Set([1, 2, 3]), after, first);
      expect(page.positions).toEqual(matching.slice(0, first));
      expect(page.hasNext).toBe(matching.length > first);
      expect(countCells(shape, verdicts, allowed, new Set([1, 2, 3]))).toBe(bruteAllowed(shape, allowed).filter((p) => verdicts[p] !== SKIPPED && verdicts[p] !== 0).length);
    }));
  });

  test('a diff pairs each base cell with the cell that differs only on the axis, keeping changed verdicts', () => {
    fc.assert(fc.property(grid, fc.nat(), fc.nat(), fc.nat(), ({ radix, verdicts }, axisSeed, bSeed, hSeed) => {
      const shape = new GridShape(radix);
      const axis = axisSeed % radix.length;
      const base = bSeed % radix[axis];
      const head = hSeed % radix[axis];
      const expected: { base: number; head: number; transition: Transition }[] = [];
      for (let p = 0; p < shape.size; p++) {
        if (shape.coord(p, axis) !== base) continue;
        const q = p + (head - base) * shape.strides[axis];
        if (verdicts[p] === SKIPPED || verdicts[q] === SKIPPED) continue;
        const t = expectedTransition(verdicts[p], verdicts[q]);
        if (t) expected.push({ base: p, head: q, transition: t });
      }
      const result = diffAlongAxis(shape, verdicts, axis, new Map([[base, head]]), null, -1, 1000);
      expect(result.pairs).toEqual(expected);
      expect(result.totals.REGRESSION + result.totals.FIX + result.totals.CHANGE).toBe(expected.length);
    }));
  });
});

test('comparing runs pairs each base cell with the head cell of the same values, where the head run has them', () => {
  fc.assert(fc.property(grid, grid, fc.nat(), ({ radix: baseRadix, verdicts: baseVerdicts }, { verdicts: headSeed }, seed) => {
    // The head run drops or reorders some values on each axis.
    const maps = baseRadix.map((r, axis) => Int32Array.from({ length: r }, (_, c) => ((c + seed + axis) % 3 === 0 ? -1 : r - 1 - c)));
    const headRadix = baseRadix;
    const base = new GridShape(baseRadix);
    const head = new GridShape(headRadix);
    const headVerdicts = Uint8Array.from({ length: head.size }, (_, i) => headSeed[i % headSeed.length]);
    const expected: { base: number; head: number; transition: Transition }[] = [];
    for (let p = 0; p < base.size; p++) {
      const coords = baseRadix.map((_, axis) => maps[axis][base.coord(p, axis)]);
      if (coords.some((c) => c < 0)) continue;
      const q = coords.reduce((sum, c, axis) => sum + c * head.strides[axis], 0);
      if (baseVerdicts[p] === SKIPPED || headVerdicts[q] === SKIPPED) continue;
      const t = expectedTransition(baseVerdicts[p], headVerdicts[q]);
      if (t) expected.push({ base: p, head: q, transition: t });
    }
    expect(compareGrids(base, baseVerdicts, head, headVerdicts, maps, null, -1, 10_000).pairs).toEqual(expected);
  }));
});

/** Verdict codes 0..3 are OK, DEGRADED, BROKEN, PROBE_FAILED; the last two are equally bad (written out here, not taken from grid.ts). */
function expectedTransition(base: number, head: number): Transition | null {
  const rank = [0, 1, 2, 2];
  if (base === head) return null;
  return rank[head] > rank[base] ? 'REGRESSION' : rank[head] < rank[base] ? 'FIX' : 'CHANGE';
}

test('comparing runs of the same value sets (the identity fast path) pairs each position with itself where the verdict changed, and pages and totals like any comparison', () => {
  const twoRuns = grid.chain((g) => fc.record({
    g: fc.constant(g),
    head: fc.array(fc.constantFrom(0, 1, 2, 3, SKIPPED), { minLength: g.verdicts.length, maxLength: g.verdicts.length }).map((a) => Uint8Array.from(a)),
  }));
  fc.assert(fc.property(twoRuns, fc.integer({ min: -1, max: 40 }), fc.integer({ min: 1, max: 5 }), ({ g: { radix, verdicts }, head }, after, first) => {
    const shape = new GridShape(radix);
    const changed: { base: number; head: number; transition: Transition }[] = [];
    for (let p = 0; p < shape.size; p++) {
      if (verdicts[p] === SKIPPED || head[p] === SKIPPED) continue;
      const t = expectedTransition(verdicts[p], head[p]);
      if (t) changed.push({ base: p, head: p, transition: t });
    }
    const identity = radix.map((r) => Int32Array.from({ length: r }, (_, c) => c));
    const result = compareGrids(shape, verdicts, shape, head, identity, null, after, first);
    const afterCursor = changed.filter((pair) => pair.base > after);
    expect(result.pairs).toEqual(afterCursor.slice(0, first));
    expect(result.hasNext).toBe(afterCursor.length > first);
    expect(result.totals).toEqual({
      REGRESSION: changed.filter((pair) => pair.transition === 'REGRESSION').length,
      FIX: changed.filter((pair) => pair.transition === 'FIX').length,
      CHANGE: changed.filter((pair) => pair.transition === 'CHANGE').length,
    });
  }));
});

test('When large stretches of a grid are skipped (whole chunks and parts of them), then innermost-axis diffs and comparisons pair exactly as a plain scan does', () => {
  // Walks pass over chunks holding no evaluated cell; pairs just past a skipped stretch must still be found.
  const shape = new GridShape([1_000, 5]);
  const stretch = fc.tuple(fc.nat({ max: shape.size - 1 }), fc.integer({ min: 1, max: 2_500 }));
  const grids = fc.record({ seed: fc.integer(), skipped: fc.array(stretch, { maxLength: 6 }) });
  fc.assert(fc.property(grids, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), ({ seed, skipped }, b, h) => {
    // Verdicts from a small linear congruential sequence: fast-check arrays of 5,000 values are slow to shrink.
    let x = seed >>> 0;
    const next = () => (x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0) >>> 16;
    const base = Uint8Array.from({ length: shape.size }, () => next() % 4);
    const head = Uint8Array.from({ length: shape.size }, () => [0, 1, 2, 3, SKIPPED][next() % 5]);
    for (const [from, length] of skipped) base.fill(SKIPPED, from, from + length);
    const expected = (pairOf: (p: number) => number | null, other: Uint8Array) => {
      const pairs: { base: number; head: number; transition: Transition }[] = [];
      for (let p = 0; p < shape.size; p++) {
        const q = pairOf(p);
        if (q === null || base[p] === SKIPPED || other[q] === SKIPPED) continue;
        const t = expectedTransition(base[p], other[q]);
        if (t) pairs.push({ base: p, head: q, transition: t });
      }
      return pairs;
    };
    const along = diffAlongAxis(shape, base, 1, new Map([[b, h]]), null, -1, shape.size);
    expect(along.pairs).toEqual(expected((p) => (p % 5 === b ? p + h - b : null), base));
    const identity = shape.radix.map((r) => Int32Array.from({ length: r }, (_, c) => c));
    expect(compareGrids(shape, base, shape, head, identity, null, -1, shape.size).pairs).toEqual(expected((p) => p, head));
  }), { numRuns: 15 });
});

test('When a grid holds long stretches of one verdict, then diffs along every axis and comparisons skip them yet pair exactly as a plain scan does', () => {
  // Stretches longer than a chunk (1,024 positions) make chunks of one verdict, whose partners
  // along an axis may sit in a chunk of another verdict, of several, or of none.
  const shape = new GridShape([3, 4, 7, 5, 40]);
  const stretches = fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 3, SKIPPED), fc.integer({ min: 1, max: 3_000 })), { minLength: 1, maxLength: 30 });
  const toGrid = (list: [number, number][]) => {
    const verdicts = new Uint8Array(shape.size).fill(SKIPPED);
    let at = 0;
    for (let i = 0; at < shape.size; i++) {
      const [v, length] = list[i % list.length];
      verdicts.fill(v, at, at + length);
      at += length;
    }
    return verdicts;
  };
  fc.assert(fc.property(stretches, stretches, fc.nat(), fc.nat(), fc.nat(), (a, b, axisSeed, bSeed, hSeed) => {
    const base = toGrid(a);
    const head = toGrid(b);
    const axis = axisSeed % shape.radix.length;
    const from = bSeed % shape.radix[axis];
    const to = hSeed % shape.radix[axis];
    // One value against another, and (on every axis but the innermost) two pairs at once, as the variant axis has.
    const maps = [new Map([[from, to]]), ...(axis < shape.radix.length - 1 ? [new Map([[from, to], [(from + 1) % shape.radix[axis], (to + 2) % shape.radix[axis]]])] : [])];
    for (const pairs of maps) {
      const expected: { base: number; head: number; transition: Transition }[] = [];
      for (let p = 0; p < shape.size; p++) {
        const mapped = pairs.get(shape.coord(p, axis));
        if (mapped === undefined) continue;
        const q = p + (mapped - shape.coord(p, axis)) * shape.strides[axis];
        const t = base[p] === SKIPPED || base[q] === SKIPPED ? null : expectedTransition(base[p], base[q]);
        if (t) expected.push({ base: p, head: q, transition: t });
      }
      const kept = new ChunkVerdicts(base);
      expect(pairsPage(allPairsAlongAxis(shape, base, axis, pairs, null, undefined, kept), -1, shape.size).pairs).toEqual(expected);
      // The same verdicts at an odd offset in their buffer: summarised a position at a time instead of four.
      const unaligned = new Uint8Array(shape.size + 1).subarray(1);
      unaligned.set(base);
      expect(diffAlongAxis(shape, unaligned, axis, pairs, null, -1, shape.size).pairs).toEqual(expected);
    }
    const changed: { base: number; head: number; transition: Transition }[] = [];
    for (let p = 0; p < shape.size; p++) {
      const t = base[p] === SKIPPED || head[p] === SKIPPED ? null : expectedTransition(base[p], head[p]);
      if (t) changed.push({ base: p, head: p, transition: t });
    }
    const identity = shape.radix.map((r) => Int32Array.from({ length: r }, (_, c) => c));
    const kept = { base: new ChunkVerdicts(base), head: new ChunkVerdicts(head) };
    expect(pairsPage(allPairsBetweenGrids(shape, base, shape, head, identity, null, undefined, kept), -1, shape.size).pairs).toEqual(changed);
  }), { numRuns: 60 });
});

test('When an innermost-axis pair crosses a chunk boundary, then the head across it is looked at (5 values do not divide the 1,024-position chunk)', () => {
  const shape = new GridShape([300, 5]);
  const grid = new Uint8Array(shape.size).fill(0);
  grid[1024] = 2; // BROKEN, the first position of the second chunk; its base partner 1020 sits in the first, all OK
  const expected = [{ base: 1020, head: 1024, transition: 'REGRESSION' }];
  const page = pairsPage(allPairsAlongAxis(shape, grid, 1, new Map([[0, 4]]), null, undefined, new ChunkVerdicts(grid)), -1, shape.size);
  expect(page.pairs).toEqual(expected);
});

test('When a diff is given the chunk summary of another grid, then it refuses instead of skipping by the wrong verdicts', () => {
  const shape = new GridShape([4, 1_000]);
  const grid = new Uint8Array(shape.size).fill(0);
  const other = new Uint8Array(shape.size).fill(0);
  expect(() => allPairsAlongAxis(shape, grid, 0, new Map([[0, 1]]), null, undefined, new ChunkVerdicts(other))).toThrow('not of this grid');
});

describe('checkpoints during long walks', () => {
  /** 4 x 250 x 1,000 = 1,000,000 positions, every fifth skipped. */
  const shape = new GridShape([4, 250, 1_000]);
  const verdicts = Uint8Array.from({ length: shape.size }, (_, p) => (p % 5 === 0 ? SKIPPED : p % 4));
  const all = [null, null, null];

  test('When nothing stops them, then every walk calls its checkpoint now and then (at the start, then every 65,536 positions), and answers as without one', () => {
    let calls = 0;
    const count = () => void calls++;
    expect(countCells(shape, verdicts, all, null, count)).toBe(countCells(shape, verdicts, all, null));
    expect(calls).toBe(1 + Math.floor(shape.size / 65_536));
    for (const walk of [
      () => diffAlongAxis(shape, verdicts, 0, new Map([[0, 1], [2, 3]]), null, -1, 10, count),
      () => compareGrids(shape, verdicts, shape, verdicts, shape.radix.map((r) => Int32Array.from({ length: r }, (_, i) => i)), null, -1, 10, count),
      () => cellPage(shape, verdicts, [null, Array.from({ length: 200 }, (_, i) => i), null], new Set([1]), -1, 1_000_000, count),
    ]) {
      calls = 0;
      walk();
      // Each walks at least 500,000 positions.
      expect(calls).toBeGreaterThanOrEqual(1 + Math.floor(500_000 / 65_536));
    }
  });

  test('When a diff walks the innermost axis, one value against another, then it too calls its checkpoint at the start and every 65,536 positions and answers as without one', () => {
    // 250,000 blocks of four: the one-loop walk of STRATEGY-like axes.
    const inner = new GridShape([250_000, 4]);
    const grid = Uint8Array.from({ length: inner.size }, (_, p) => (p % 7 === 0 ? SKIPPED : (p * 31) % 4));
    let calls = 0;
    const counted = diffAlongAxis(inner, grid, 1, new Map([[0, 3]]), null, 100, 50, () => void calls++);
    expect(counted).toEqual(diffAlongAxis(inner, grid, 1, new Map([[0, 3]]), null, 100, 50));
    expect(counted.pairs.length).toBe(50);
    expect(calls).toBe(1 + Math.floor((inner.size - 1) / 65_536));
  });

  test('When the checkpoint throws, then the walk stops there and the error comes out', () => {
    let calls = 0;
    const stopAtThird = () => {
      if (++calls === 3) throw new Error('budget spent');
    };
    expect(() => countCells(shape, verdicts, all, null, stopAtThird)).toThrow('budget spent');
    expect(calls).toBe(3);
    calls = 0;
    expect(() => diffAlongAxis(shape, verdicts, 0, new Map([[0, 1], [2, 3]]), null, -1, 10, stopAtThird)).toThrow('budget spent');
    expect(calls).toBe(3);
  });
});
