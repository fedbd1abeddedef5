/**
 * Byte order of config-space values: the one place that turns numbers into bytes and back.
 *
 * Device side: QEMU's `virtio_stl_p()`/`virtio_stw_p()` store a value in the order that
 * `virtio_access_is_big_endian()` picked (include/hw/virtio/virtio-access.h @ 1be5a765c08c).
 * Driver side: Linux `virtio_cread16/32()` copy bytes through the transport's `get` op, then
 * `__virtioNN_to_cpu(little_endian, val)` (include/linux/virtio_byteorder.h @ 30c0923370175a).
 */
export type ByteOrder = 'little' | 'big';

/** Multi-byte integer widths that appear in virtio config structs (u8, le16/__virtio16, ...). */
export type FieldWidth = 1 | 2 | 4 | 8;

const TWO_POW_32 = 0x1_0000_0000;

/** Store `value` as an unsigned `width`-byte integer at `offset`. */
export function storeUint(view: DataView, offset: number, width: FieldWidth, value: number, order: ByteOrder): void {
  const le = order === 'little';
  switch (width) {
    case 1:
      view.setUint8(offset, value);
      return;
    case 2:
      view.setUint16(offset, value, le);
      return;
    case 4:
      view.setUint32(offset, value, le);
      return;
    case 8: {
      // JS numbers hold 53 bits; a 64-bit field is two 32-bit halves in the chosen order.
      const low = value % TWO_POW_32;
      const high = (value - low) / TWO_POW_32;
      view.setUint32(offset + (le ? 0 : 4), low, le);
      view.setUint32(offset + (le ? 4 : 0), high, le);
      return;
    }
  }
}

/** Load an unsigned `width`-byte integer at `offset`. */
export function loadUint(view: DataView, offset: number, width: FieldWidth, order: ByteOrder): number {
  const le = order === 'little';
  switch (width) {
    case 1:
      return view.getUint8(offset);
    case 2:
      return view.getUint16(offset, le);
    case 4:
      return view.getUint32(offset, le);
    case 8: {
      const low = view.getUint32(offset + (le ? 0 : 4), le);
      const high = view.getUint32(offset + (le ? 4 : 0), le);
      return high * TWO_POW_32 + low;
    }
  }
}

const HEX = '0123456789abcdef';

/** Bytes as lower-case hex in offset order, e.g. `00000200`. */
export function toHex(bytes: Uint8Array, offset: number, length: number): string {
  let out = '';
  for (let i = offset; i < offset + length; i++) {
    const b = bytes[i];
    out += HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}
