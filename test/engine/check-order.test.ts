/**
 * One order of checks: a combination with two problems is refused for the same one whether it is
 * given alone (resolveCombination) or sits in a matrix (MatrixPlan skips it with that problem).
 * The cases come from COMBINATION_CHECKS: a check added there adds its pairs here, and a pair
 * no combination below can fail makes its test fail until the matrix holds one.
 */
import { COMBINATION_CHECKS, InvalidCombinationError, MatrixPlan, problemsOf, resolveCombination, type CombinationCheck, type Invalid } from '../../src/engine';

// Values chosen so every pair of checks fails together somewhere: ccw off s390x (transport),
// QEMU 7.2 refusing legacy crypto and 8.2 legacy sound (mode), sound before QEMU 8.2 or on vhost-user (config
// source), Linux 2.6.20 before blk and 4.10 before sound (driver), blk_size 1000 refused by
// QEMU and a stream count beyond its 4-byte field (device setup).
const spec = {
  archs: ['x86_64', 's390x'],
  transports: ['pci', 'ccw', 'mmio'],
  devices: ['blk', 'crypto', 'sound'],
  modes: ['legacy', 'transitional', 'modern'],
  backends: ['qemu', 'vhost-user'],
  hypervisors: ['qemu-5.0', 'qemu-7.2', 'qemu-8.2'],
  kernels: ['2.6.20', '4.10', '5.17'],
  strategies: ['as-shipped', 'ack-all'],
  config: { blk_size: [4096, 1000], streams: [2, 2 ** 32] },
};

/** A page size no arch supports: matrices never hold one (their cells take the arch's default). */
const UNSUPPORTED_PAGE_SIZE = 8192;

const pairs = COMBINATION_CHECKS.flatMap((first, i) => COMBINATION_CHECKS.slice(i + 1).map((second) => [first, second] as const));
const matrixCanFail = (check: CombinationCheck) => check !== 'pageSize';

function refusal(input: unknown): Invalid {
  try {
    resolveCombination(input);
  } catch (err) {
    if (err instanceof InvalidCombinationError) return { field: err.field, reason: err.reason };
    throw err;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('one order of checks for single combinations and matrices', () => {
  const plan = new MatrixPlan(spec);
  /** Every position the plan skips, with its problem and the checks its combination fails asked one by one. */
  const skipped: { index: number; problem: Invalid; failed: CombinationCheck[] }[] = [];
  plan.forEachCell(0, plan.size, () => undefined, (index, problem) => {
    skipped.push({ index, problem, failed: problemsOf(plan.combinationAt(index)).map((p) => p.check) });
  });
  const failingExactly = (...checks: CombinationCheck[]) => skipped.filter((s) => s.failed.join() === checks.join());

  test.each(pairs.filter(([first, second]) => matrixCanFail(first) && matrixCanFail(second)))(
    'a combination failing %s and %s gets the first one\'s error from resolveCombination and from a matrix holding it',
    (first, second) => {
      const witnesses = failingExactly(first, second);
      expect(witnesses.length).toBeGreaterThan(0);
      for (const { index, problem } of witnesses) {
        const combination = plan.combinationAt(index);
        const expected = problemsOf(combination).find((p) => p.check === first)!.problem;
        expect(refusal(combination)).toEqual(expected);
        expect(problem).toEqual(expected);
      }
    },
  );

  /** A combination of the plan that every check passes, on this arch. */
  const validOn = (arch: string) => {
    let found: ReturnType<MatrixPlan['combinationAt']> | undefined;
    plan.forEachCell(0, plan.size, (_, index) => {
      if (!found && plan.combinationAt(index).arch === arch) found = plan.combinationAt(index);
    });
    if (!found) throw new Error(`no valid combination on ${arch}`);
    return found;
  };

  test.each(pairs.filter(([first, second]) => !matrixCanFail(first) || !matrixCanFail(second)))(
    'a combination failing %s and %s given alone gets the error the first one gives on its own (a matrix holds only default page sizes)',
    (first, second) => {
      const other = matrixCanFail(first) ? first : second;
      const witnesses = failingExactly(other).map((s) => plan.combinationAt(s.index));
      expect(witnesses.length).toBeGreaterThan(0);
      for (const combination of witnesses) {
        const both = { ...combination, pageSize: UNSUPPORTED_PAGE_SIZE };
        expect(problemsOf(both).map((p) => p.check)).toEqual([first, second]);
        // What the first check says when it is the only problem: asked of resolve, not of the check list.
        const firstAlone = first === 'pageSize' ? { ...validOn(combination.arch), pageSize: UNSUPPORTED_PAGE_SIZE } : combination;
        expect(refusal(both)).toEqual(refusal(firstAlone));
      }
    },
  );

  test('a matrix skips a position for a problem of its own check, never one of a check that passed', () => {
    expect(skipped.length).toBeGreaterThan(0);
    for (const { index, problem, failed } of skipped) {
      expect(problemsOf(plan.combinationAt(index)).find((p) => p.check === failed[0])!.problem).toEqual(problem);
    }
  });
});
