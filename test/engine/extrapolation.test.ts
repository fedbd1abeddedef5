/** Versions outside the modelled releases (3.16 … 6.12) are evaluated as the nearest end and say so. */
import { evaluate } from '../../src/engine';
import { s390xBlk } from './helpers';

const extrapolated = (kernel: string) => evaluate(s390xBlk({ kernel })).reasons.filter((r) => r.includes('extrapolated'));

describe('outcomes outside the modelled releases say they are extrapolated', () => {
  test('7.0 is extrapolated from the newest modelled release, 6.12; the verdict is still computed (ack-all, no blk check: OK)', () => {
    expect(extrapolated('7.0')).toEqual([expect.stringMatching(/Linux 7\.0 is newer than the newest modelled release \(6\.12\).*extrapolated from 6\.12/)]);
    expect(evaluate(s390xBlk({ kernel: '7.0' })).verdict).toBe('OK');
  });

  test('3.10 is extrapolated from the oldest modelled release, 3.16', () => {
    expect(extrapolated('3.10')).toEqual([expect.stringMatching(/Linux 3\.10 is older than the oldest modelled release \(3\.16\).*extrapolated from 3\.16/)]);
  });

  test('the ends themselves and their stable releases are not', () => {
    for (const kernel of ['3.16', '3.16.85', '5.15', '6.12', '6.12.40']) expect(extrapolated(kernel)).toEqual([]);
    expect(extrapolated('6.13-rc1')).toHaveLength(1);
  });
});
