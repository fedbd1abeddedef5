import { droppedSymbols, parseFragment, readFragment, scriptsConfigArgs } from '../../src/kernels/config';

describe('kernel config fragments', () => {
  test('a fragment line sets a symbol, a "is not set" comment clears it, other comments are ignored', () => {
    const settings = parseFragment('# why\nCONFIG_VIRTIO_NET=y\n# CONFIG_MODULES is not set\nCONFIG_LOG_BUF_SHIFT=14\n');
    expect(settings).toEqual([{ symbol: 'VIRTIO_NET', value: 'y' }, { symbol: 'MODULES', value: 'n' }, { symbol: 'LOG_BUF_SHIFT', value: '14' }]);
    expect(scriptsConfigArgs(settings)).toEqual(['--enable', 'VIRTIO_NET', '--disable', 'MODULES', '--set-val', 'LOG_BUF_SHIFT', '14']);
  });

  test('a symbol olddefconfig dropped is named with what it became', () => {
    const settings = parseFragment('CONFIG_VIRTIO_NET=y\nCONFIG_VIRTIO_BLK=y\n# CONFIG_PCI is not set\n');
    expect(droppedSymbols(settings, 'CONFIG_VIRTIO_NET=y\n# CONFIG_VIRTIO_BLK is not set\n')).toEqual(['CONFIG_VIRTIO_BLK=y (got n)']);
    expect(droppedSymbols(settings, 'CONFIG_VIRTIO_NET=y\nCONFIG_VIRTIO_BLK=y\nCONFIG_PCI=y\n')).toEqual(['CONFIG_PCI=n (got y)']);
  });

  test('the s390x guest builds in virtio-blk, virtio-net and the ccw transport, without modules, PCI or IP', () => {
    const s = Object.fromEntries(readFragment('s390x').settings.map((x) => [x.symbol, x.value]));
    expect(s).toMatchObject({ VIRTIO: 'y', VIRTIO_BLK: 'y', VIRTIO_NET: 'y', S390_GUEST: 'y', SCLP_CONSOLE: 'y', BLK_DEV_INITRD: 'y', RD_GZIP: 'y', MODULES: 'n', PCI: 'n', INET: 'n' });
  });

  test('the x86_64 control builds in virtio-pci with its legacy interface and a serial console', () => {
    const s = Object.fromEntries(readFragment('x86_64').settings.map((x) => [x.symbol, x.value]));
    expect(s).toMatchObject({ VIRTIO_PCI: 'y', VIRTIO_PCI_LEGACY: 'y', SERIAL_8250_CONSOLE: 'y', VIRTIO_NET: 'y', MODULES: 'n' });
  });
});
