/**
 * What crosses the transport between the Linux driver and the QEMU device. The three transports
 * differ in how features travel (32-bit words, which words a legacy driver can see) and how the
 * interface is chosen; config bytes cross unchanged on all of them (fact sheet §4, §5: modern
 * PCI `vp_get` re-LEs what QEMU loaded LE, legacy PCI reads bytes, ccw READ_CONF and mmio v1 copy
 * bytes), so byte order is decided only where the device fills config and where the driver decodes.
 */
import type { Cell } from '../cell';
import type { FeatureWords } from '../features';
import { LINUX_CCW_REV_MAX } from '../profiles/transports';
import type { TransportName } from '../profiles/types';
import type { QemuDevice } from './device';
import type { Recorder } from './recorder';

/** Linux's transport `finalize_features` refusal when the modern interface lacks VERSION_1. */
const NO_VERSION_1: Record<TransportName, string> = {
  pci: 'virtio: device uses modern interface but does not have VIRTIO_F_VERSION_1',
  ccw: 'virtio: device uses revision 1 but does not have VIRTIO_F_VERSION_1',
  mmio: 'New virtio-mmio devices (version 2) must provide VIRTIO_F_VERSION_1 feature!',
};

export class TransportLink {
  /** The driver talks to the device's modern interface (PCI modern caps, ccw revision >= 1, mmio v2). */
  modern = false;
  private cell!: Cell;

  constructor(private readonly device: QemuDevice) {}

  /**
   * Probe-time setup. PCI: virtio_pci_probe tries the modern capabilities first. ccw:
   * virtio_ccw_set_transport_rev asks for the highest revision and steps down while the device
   * answers -EOPNOTSUPP. mmio: the Version register says 1 (legacy) or 2. A kernel whose transport
   * predates virtio 1.0 (`driver.noModernInterface`) knows only the legacy interface.
   * Returns why no driver gets going (Linux's behaviour), or null.
   */
  setup(cell: Cell, rec: Recorder | null): string | null {
    this.cell = cell;
    const mode = cell.transportMode;
    const preVirtio1 = cell.driver.noModernInterface[cell.transport];
    if (preVirtio1 !== null) return this.setupLegacyOnly(preVirtio1, rec);
    switch (cell.transport) {
      case 'pci':
        this.modern = mode.modernInterface;
        if (rec) rec.step('setup', 'transport', 'pci-probe', this.modern ? 'virtio_pci_modern_probe: modern capabilities found' : 'no modern capabilities: legacy I/O BAR (virtio_pci_legacy_probe)');
        return null;
      case 'ccw':
        return this.negotiateRevision(rec) ? null : 'virtio_ccw: no virtio revision accepted by the device';
      case 'mmio':
        this.modern = mode.modernInterface;
        if (rec) rec.step('setup', 'transport', 'mmio-version', `Version register = ${this.modern ? 2 : 1}`);
        return null;
    }
  }

  /**
   * A kernel before virtio 1.0 on this transport: legacy I/O BAR only, no SET_VIRTIO_REV (QEMU
   * fixes revision 0 at the first other command), mmio Version 1 only. A device without a legacy
   * interface gets no working driver.
   */
  private setupLegacyOnly(noModern: string, rec: Recorder | null): string | null {
    this.modern = false;
    if (!this.cell.transportMode.legacyInterface) return noModern;
    if (this.cell.transport === 'ccw') this.device.revision = 0;
    if (rec) rec.step('setup', 'transport', 'legacy-only driver', `${this.cell.driver.kernel} predates virtio 1.0 on ${this.cell.transport}: the legacy interface, VERSION_1 neither offered nor expected`);
    return null;
  }

  private negotiateRevision(rec: Recorder | null): boolean {
    const mode = this.cell.transportMode;
    const maxRevision = mode.modernInterface ? 2 : 0;
    for (let revision = LINUX_CCW_REV_MAX; revision >= 0; revision--) {
      const accepted = revision <= maxRevision && (revision > 0 || mode.legacyInterface);
      if (rec) rec.step('setup', 'transport', 'CCW_CMD_SET_VIRTIO_REV', `revision ${revision}: ${accepted ? 'accepted' : 'rejected (-EOPNOTSUPP)'}`);
      if (accepted) {
        this.device.revision = revision;
        this.modern = revision >= 1;
        return true;
      }
    }
    return false;
  }

  /** A reset through this interface; the RFC treats a modern one as "driver is modern". */
  reset(rec: Recorder | null): void {
    this.device.reset(this.modern);
    if (rec) rec.step('reset', 'device', 'reset', `status 0, guest_features 0, device_endian ${this.device.deviceEndian}${this.device.guestFeatures.hi ? ', VERSION_1 forced (early detect RFC)' : ''}`);
  }

  /**
   * Device features as the driver can see them: a modern interface hides the legacy-only bits
   * (QEMU's legacy_features); a legacy interface shows the raw low word only.
   */
  readDeviceFeatures(out: FeatureWords, rec: Recorder | null): void {
    const view = this.modern ? this.cell.modernView : this.cell.hostFeatures;
    out.lo = view.lo;
    out.hi = this.modern ? view.hi : 0;
    if (rec) rec.step('features', 'transport', 'read-device-features', this.describeFeatureRead(out));
  }

  /**
   * Linux transport `finalize_features`: ring code drops unsupported transport bits, a modern
   * interface requires VERSION_1, then the words go to the device (virtio_set_features per word).
   * Returns the refusal message, or null.
   */
  finalizeFeatures(features: FeatureWords, ringMask: FeatureWords, rec: Recorder | null): string | null {
    // vring_transport_features(): transport-range bits the ring code does not support are cleared.
    features.lo = (features.lo & ringMask.lo) >>> 0;
    features.hi = (features.hi & ringMask.hi) >>> 0;
    if (this.modern && (features.hi & 1) === 0) return NO_VERSION_1[this.cell.transport];
    // A legacy interface carries only the low word; the device keeps whatever high word it had.
    const accepted = this.device.setFeatures(features.lo, this.modern ? features.hi : this.device.guestFeatures.hi);
    if (rec) rec.step('finalize', 'transport', 'write-driver-features', `${this.describeFeatureWrite(features)}${accepted ? '' : ' (ignored: FEATURES_OK already set)'}`);
    return null;
  }

  /**
   * A driver's probe error path deletes the virtqueues it found. Legacy PCI does it by writing 0
   * to VIRTIO_PCI_QUEUE_PFN (Linux `vp_legacy_set_queue_address(…, 0)` in virtio_pci_legacy.c
   * `del_vq`), and QEMU's `virtio_ioport_write` answers a zero PFN with `virtio_pci_reset()`: the
   * device's status is 0 when the core then adds FAILED (a real boot shows 0x80, not 0x83).
   * Modern PCI and ccw tear queues down without a reset. Legacy mmio writes a zero QUEUE_PFN too;
   * whether QEMU resets there has not been seen on a real boot, so it is not modelled.
   */
  deleteVirtqueues(rec: Recorder | null): void {
    if (this.cell.transport !== 'pci' || this.modern) return;
    this.device.reset(false);
    if (rec) rec.step('probe', 'transport', 'del_vq', 'legacy VIRTIO_PCI_QUEUE_PFN = 0: QEMU resets the device (status 0)');
  }

  setStatus(value: number): void {
    this.device.setStatus(value);
  }

  getStatus(): number {
    return this.device.status;
  }

  /** Transport `get`: the device refills config, the bytes cross unchanged. */
  readConfig(): void {
    this.device.fillConfig();
  }

  private describeFeatureRead(f: FeatureWords): string {
    const words = `lo=0x${f.lo.toString(16).padStart(8, '0')} hi=0x${f.hi.toString(16).padStart(8, '0')}`;
    switch (this.cell.transport) {
      case 'pci': return this.modern ? `common cfg device_feature select 0,1: ${words}` : `legacy HOST_FEATURES (32 bits): ${words}`;
      case 'ccw': return this.modern ? `READ_FEAT index 0,1: ${words}` : `READ_FEAT index 0 (revision 0 hides index 1): ${words}`;
      case 'mmio': return this.modern ? `DeviceFeaturesSel 0,1: ${words}` : `DeviceFeaturesSel 0,1 (v1 returns 0 for sel 1): ${words}`;
    }
  }

  private describeFeatureWrite(f: FeatureWords): string {
    const words = `lo=0x${f.lo.toString(16).padStart(8, '0')} hi=0x${f.hi.toString(16).padStart(8, '0')}`;
    switch (this.cell.transport) {
      case 'pci': return this.modern ? `common cfg guest_feature select 0,1: ${words}` : `legacy GUEST_FEATURES (32 bits): lo=0x${f.lo.toString(16).padStart(8, '0')}`;
      case 'ccw': return this.modern ? `WRITE_FEAT index 0,1: ${words}` : `WRITE_FEAT index 0: lo=0x${f.lo.toString(16).padStart(8, '0')}`;
      case 'mmio': return `DriverFeaturesSel 0,1: ${words}`;
    }
  }
}
