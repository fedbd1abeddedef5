import { buildId, type BuildInputs } from '../../src/kernels/cache';
import { linuxVersionOf } from '../../src/kernels/build';
import { seriesOfVersion } from '../../src/kernels/targets';

const inputs: BuildInputs = {
  series: '6.1', sourcePackage: 'linux-source-6.1', sourceVersion: '6.1.192-3', arch: 's390x', strategy: 'pre-fix',
  configSha256: 'c'.repeat(64), patches: [{ file: 'revert-4fa59ede9519.patch', sha256: 'a'.repeat(64) }], compiler: 's390x-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0', builder: 1,
};

test('an image id names series, arch and strategy and is stable for the same inputs', () => {
  expect(buildId(inputs)).toMatch(/^6\.1-s390x-pre-fix-[0-9a-f]{12}$/);
  expect(buildId({ ...inputs })).toBe(buildId(inputs));
});

test.each([
  ['source package version', { sourceVersion: '6.1.193-1' }],
  ['config fragment', { configSha256: 'd'.repeat(64) }],
  ['a patch', { patches: [{ file: 'revert-4fa59ede9519.patch', sha256: 'b'.repeat(64) }] }],
  ['compiler', { compiler: 's390x-linux-gnu-gcc (Debian 12.2.0-15) 12.2.0' }],
])('a change of the %s makes a new image id', (_what, change) => {
  expect(buildId({ ...inputs, ...change })).not.toBe(buildId(inputs));
});

test('Debian source versions map to the Linux version the engine spells, and to their series', () => {
  expect(linuxVersionOf('6.1.192-3')).toBe('6.1.192');
  expect(linuxVersionOf('6.12.117-1~deb12u1')).toBe('6.12.117');
  expect(seriesOfVersion('6.1')).toBe('6.1');
  expect(seriesOfVersion('6.12.117')).toBe('6.12');
  expect(seriesOfVersion('6.11')).toBeUndefined();
  expect(seriesOfVersion('5.14')).toBeUndefined();
});
