import { maxArtifactBytes, DEFAULT_MAX_ARTIFACT_BYTES } from '../src/artifacts/register';
import { mutationsPerMinute, DEFAULT_MUTATIONS_PER_MINUTE } from '../src/auth/write-limit';
import { BadInputError } from '../src/runs/errors';
import { wholeNumberSetting } from '../src/settings';

const setting = { fallback: 7, min: 1, max: 100, range: 'a whole number from 1 to 100' };

test('a whole-number setting is its fallback when unset or empty, and its digits otherwise', () => {
  expect(wholeNumberSetting({}, 'X', setting)).toBe(7);
  expect(wholeNumberSetting({ X: '' }, 'X', setting)).toBe(7);
  expect(wholeNumberSetting({ X: '1' }, 'X', setting)).toBe(1);
  expect(wholeNumberSetting({ X: '100' }, 'X', setting)).toBe(100);
});

test('a whole-number setting refuses typos and values out of range, naming the variable and the range', () => {
  for (const bad of [' ', '0x10', '1e2', '12 ', '-1', '1.5', '0', '101', 'lots']) {
    let thrown: unknown;
    try {
      wholeNumberSetting({ X: bad }, 'X', setting);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadInputError);
    expect((thrown as BadInputError).field).toBe('X');
    expect((thrown as BadInputError).message).toBe(`X: must be a whole number from 1 to 100, got ${JSON.stringify(bad)}`);
  }
});

test('ARTIFACT_MAX_BYTES and MUTATIONS_PER_MINUTE are read by the same rule', () => {
  expect(maxArtifactBytes({})).toBe(DEFAULT_MAX_ARTIFACT_BYTES);
  expect(maxArtifactBytes({ ARTIFACT_MAX_BYTES: '1024' })).toBe(1024);
  // Number() read these as 0 / 16 / 100 before; each is now refused.
  for (const typo of [' ', '0x10', '1e2', '0']) expect(() => maxArtifactBytes({ ARTIFACT_MAX_BYTES: typo })).toThrow(/^ARTIFACT_MAX_BYTES: must be a whole number of bytes/);
  expect(mutationsPerMinute({})).toBe(DEFAULT_MUTATIONS_PER_MINUTE);
  expect(mutationsPerMinute({ MUTATIONS_PER_MINUTE: '0' })).toBe(0);
});
