import { loadUint, storeUint, toHex } from '../../src/engine/byteorder';

describe('byte order', () => {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);

  test('a big-endian store of 4096 puts 00 00 10 00 in offset order', () => {
    storeUint(view, 0, 4, 4096, 'big');
    expect(toHex(bytes, 0, 4)).toBe('00001000');
  });

  test('a little-endian store of 4096 puts 00 10 00 00 in offset order', () => {
    storeUint(view, 0, 4, 4096, 'little');
    expect(toHex(bytes, 0, 4)).toBe('00100000');
  });

  test('reading big-endian bytes as little-endian swaps them: 0x00001000 becomes 0x00100000', () => {
    storeUint(view, 0, 4, 4096, 'big');
    expect(loadUint(view, 0, 4, 'little')).toBe(0x0010_0000);
  });

  test('a 16-bit mtu of 1280 stored big-endian reads back little-endian as 5', () => {
    storeUint(view, 0, 2, 1280, 'big');
    expect(toHex(bytes, 0, 2)).toBe('0500');
    expect(loadUint(view, 0, 2, 'little')).toBe(5);
  });

  test('64-bit fields keep values above 2^32 in either order', () => {
    for (const order of ['little', 'big'] as const) {
      storeUint(view, 8, 8, 2 ** 40 + 7, order);
      expect(loadUint(view, 8, 8, order)).toBe(2 ** 40 + 7);
    }
    storeUint(view, 8, 8, 2 ** 32 + 1, 'little');
    expect(toHex(bytes, 8, 8)).toBe('0100000001000000');
  });
});
