/**
 * The device's config buffer is refilled on every access (get_config), and a refill with the
 * values and order of the last one is skipped: these pin that the bytes a read sees still follow
 * the order of the moment and the cell of the moment. blk_size 4096 = 0x00001000: big-endian bytes
 * 00 00 10 00, little-endian 00 10 00 00; 512 = 0x00000200: little-endian 00 02 00 00.
 */
import { resolveCombination } from '../../../src/engine';
import { toHex } from '../../../src/engine/byteorder';
import { QemuDevice } from '../../../src/engine/sim/device';
import { VIRTIO_F_VERSION_1 } from '../../../src/engine/profiles/common-features';
import { s390xBlk } from '../helpers';

const blkSize = (device: QemuDevice) => toHex(device.config, 20, 4); // struct virtio_blk_config: blk_size at offset 20
const VERSION_1_HI = 1 << (VIRTIO_F_VERSION_1 - 32);

describe('QemuDevice.fillConfig', () => {
  test('a refill after the driver writes VERSION_1 turns the same values little-endian', () => {
    const device = new QemuDevice();
    device.attach(resolveCombination(s390xBlk()));
    device.reset(false);
    expect(device.fillConfig()).toBe('big');
    expect(blkSize(device)).toBe('00001000');
    device.setFeatures(0, VERSION_1_HI);
    expect(device.fillConfig()).toBe('little');
    expect(blkSize(device)).toBe('00100000');
  });

  test('the next cell\'s values are filled, though its order is the one the buffer was last filled in', () => {
    const device = new QemuDevice();
    for (const [blk_size, bytes] of [[4096, '00001000'], [512, '00000200'], [4096, '00001000']] as const) {
      device.attach(resolveCombination(s390xBlk({ config: { blk_size } })));
      device.reset(false);
      device.fillConfig();
      expect(blkSize(device)).toBe(bytes);
    }
  });

});
