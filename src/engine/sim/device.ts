/**
 * The device side, as QEMU's virtio core models it (hw/virtio/virtio.c, virtio-access.h):
 * `host_features` offered, `guest_features` written by the driver, status, and a config
 * buffer that `get_config` refills on every access.
 */
import { storeUint, type ByteOrder, type FieldWidth } from '../byteorder';
import type { Cell } from '../cell';
import { emptyFeatures, hasBit, setBit, type FeatureWords } from '../features';
import { STATUS, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_VERSION_1 } from '../profiles/common-features';

export const MAX_CONFIG_SIZE = 256;

export class QemuDevice {
  readonly guestFeatures: FeatureWords = emptyFeatures();
  status = 0;
  /** `vdev->device_endian`, latched at reset (virtio_reset: current CPU, or target default). */
  deviceEndian: ByteOrder = 'little';
  /** virtio-ccw `dev->revision`: -1 until SET_VIRTIO_REV or another command fixes it. */
  revision = -1;
  /** The last reset came through a modern interface (pci modern caps, ccw revision >= 1). */
  private modernAccess = false;
  readonly config = new Uint8Array(MAX_CONFIG_SIZE);
  readonly view = new DataView(this.config.buffer);
  private cell!: Cell;
  /** The values, layout and order the config buffer was last filled with (see fillConfig). */
  private filledValues: Cell['configValues'] | null = null;
  private filledFields: Cell['device']['config'] | null = null;
  private filledOrder: ByteOrder = 'little';

  attach(cell: Cell): void {
    this.cell = cell;
    this.revision = -1;
    this.status = 0;
  }

  /** virtio_reset(): guest_features = 0, device_endian from the CPU (bi-endian) or the target. */
  reset(modernReset: boolean): void {
    this.guestFeatures.lo = 0;
    this.guestFeatures.hi = 0;
    this.status = 0;
    // For a guest running its own arch both answers equal the guest CPU's byte order: bi-endian
    // targets latch the CPU's mode at reset, the others use TARGET_BIG_ENDIAN.
    this.deviceEndian = this.cell.arch.endian;
    this.modernAccess = modernReset;
    // Unmerged RFC: a reset through the modern interface (or ccw revision > 0) forces VERSION_1.
    if (this.cell.earlyModernDetect && modernReset) setBit(this.guestFeatures, VIRTIO_F_VERSION_1);
  }

  /** virtio_set_features(): refused after FEATURES_OK; otherwise guest_features = val & host_features. */
  setFeatures(lo: number, hi: number): boolean {
    if (this.status & STATUS.FEATURES_OK) return false;
    const host = this.cell.hostFeatures;
    this.guestFeatures.lo = (lo & host.lo) >>> 0;
    this.guestFeatures.hi = (hi & host.hi) >>> 0;
    return true;
  }

  /**
   * virtio_set_status(): FEATURES_OK is taken only if virtio_validate_features() agrees
   * (an offered ACCESS_PLATFORM must be accepted); otherwise the status stays as it was.
   */
  setStatus(value: number): void {
    const settingFeaturesOk = (value & STATUS.FEATURES_OK) !== 0 && (this.status & STATUS.FEATURES_OK) === 0;
    if (settingFeaturesOk && hasBit(this.guestFeatures, VIRTIO_F_VERSION_1)) {
      if (hasBit(this.cell.hostFeatures, VIRTIO_F_ACCESS_PLATFORM) && !hasBit(this.guestFeatures, VIRTIO_F_ACCESS_PLATFORM)) return;
    }
    this.status = value;
  }

  /**
   * The one place that decides config byte order right now. QEMU: virtio_access_is_big_endian()
   * looks only at guest_features & VERSION_1 (fact sheet §5); a vhost-user-blk backend fills
   * config in host order whatever was negotiated (§6).
   */
  configByteOrder(): ByteOrder {
    if (this.cell.configSource === 'backend-native') return this.cell.hostByteOrder;
    if (hasBit(this.guestFeatures, VIRTIO_F_VERSION_1)) return 'little';
    // A what-if QEMU following the spec: the interface, not the written features, decides.
    if (this.cell.modernConfigLittleEndian && this.modernAccess) return 'little';
    return this.deviceEndian;
  }

  /**
   * get_config(): refill the whole config struct (virtio_blk_update_config, virtio_net_get_config).
   * A refill with the values and order of the last one writes the bytes the buffer already holds
   * (only this method writes it), so it is skipped: a cell reads config up to three times, and
   * consecutive cells of a plan share their device's values.
   */
  fillConfig(): ByteOrder {
    const order = this.configByteOrder();
    const values = this.cell.configValues;
    const fields = this.cell.device.config;
    if (values === this.filledValues && fields === this.filledFields && order === this.filledOrder) return order;
    this.filledValues = null; // a fill that throws half way is not remembered
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      const value = values[i];
      if (typeof value === 'number') storeUint(this.view, field.offset, field.width as FieldWidth, value, order);
      else this.config.set(value, field.offset);
    }
    this.filledValues = values;
    this.filledFields = fields;
    this.filledOrder = order;
    return order;
  }
}
