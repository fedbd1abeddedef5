import { compareKernelVersions, kernelContains, parseKernelVersion } from '../../../../src/engine/profiles/linux/versions';

const v = (text: string) => {
  const parsed = parseKernelVersion(text);
  if (!parsed) throw new Error(`bad version ${text}`);
  return parsed;
};

describe('kernel versions', () => {
  test('release candidates sort before the release, stable releases after it', () => {
    const order = ['5.14-rc6', '5.14-rc7', '5.14', '5.14.14', '5.15-rc1', '5.15-rc5', '5.15-rc6', '5.15', '5.15.3', '5.16'];
    const sorted = [...order].sort((a, b) => compareKernelVersions(v(a), v(b)));
    expect(sorted).toEqual(order);
  });

  test('malformed versions are rejected', () => {
    for (const bad of ['5', '5.x', '5.15-rc0', 'v5.15', '5.15-rc5.1', '']) expect(parseKernelVersion(bad)).toBeUndefined();
  });

  test('a patch is in a kernel at or past its mainline tag', () => {
    expect(kernelContains(v('5.15-rc6'), v('5.15-rc6'), [])).toBe(true);
    expect(kernelContains(v('5.15-rc5'), v('5.15-rc6'), [])).toBe(false);
    expect(kernelContains(v('6.6'), v('5.15-rc6'), [])).toBe(true);
  });

  test('a stable backport covers its branch from that release on, and no other branch', () => {
    const stable = [v('5.14.14'), v('5.4.155')];
    expect(kernelContains(v('5.14.14'), v('5.15-rc6'), stable)).toBe(true);
    expect(kernelContains(v('5.14.20'), v('5.15-rc6'), stable)).toBe(true);
    expect(kernelContains(v('5.14.13'), v('5.15-rc6'), stable)).toBe(false);
    expect(kernelContains(v('5.14'), v('5.15-rc6'), stable)).toBe(false);
    expect(kernelContains(v('5.13.19'), v('5.15-rc6'), stable)).toBe(false);
    expect(kernelContains(v('5.4.155'), v('5.15-rc6'), stable)).toBe(true);
  });
});
