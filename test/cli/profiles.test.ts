import { profilesSummary } from '../../src/cli/profiles';

test('profiles lists the values each closed axis takes under the field a matrix writes them in, in the axis order', () => {
  const summary = profilesSummary();
  expect(Object.keys(summary)).toEqual(['archs', 'transports', 'devices', 'modes', 'backends', 'strategies', 'hypervisors', 'kernelPatches']);
  expect(summary).toMatchObject({ archs: ['x86_64', 'aarch64', 'ppc64le', 'ppc64', 's390x'], transports: ['pci', 'ccw', 'mmio'], modes: ['legacy', 'transitional', 'modern'], backends: ['qemu', 'vhost-user'] });
  expect(summary.strategies).toEqual(['as-shipped', 'pre-fix', 'revert', 'write-back', 'ack-all']);
  expect(summary.hypervisors).toContainEqual(expect.objectContaining({ name: 'qemu-early-detect-rfc' }));
});
