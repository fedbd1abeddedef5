/**
 * Shapes of the declarative profiles. Every profile entry is data that names its source
 * (commit, file@commit, spec section or mailing-list message) in `source`; assumptions that the
 * fact sheet marks UNVERIFIED say so in `unverified`, so a reviewer can find and change them.
 */
import type { ByteOrder, FieldWidth } from '../byteorder';

export type ArchName = 'x86_64' | 'aarch64' | 'ppc64le' | 'ppc64' | 's390x';
export type TransportName = 'pci' | 'ccw' | 'mmio';
export type DeviceName = 'blk' | 'net' | 'balloon' | 'crypto' | 'scmi' | 'sound' | 'console' | 'rng';
export type DeviceMode = 'legacy' | 'transitional' | 'modern';
export type BackendName = 'qemu' | 'vhost-user';
export type StrategyName = 'as-shipped' | 'pre-fix' | 'revert' | 'write-back' | 'ack-all';

export interface Cited {
  /** Where the fact comes from: commit id, repo path@commit, spec section, list message. */
  source: string;
  /** Set when the fact sheet (or we) could not confirm this; says what is assumed. */
  unverified?: string;
}

export interface ArchProfile extends Cited {
  name: ArchName;
  /** Guest CPU byte order: what `virtio_legacy_is_little_endian()` answers in Linux. */
  endian: ByteOrder;
  defaultPageSize: number;
  pageSizes: readonly number[];
  /**
   * How QEMU picks legacy config byte order for this target: `target` (TARGET_BIG_ENDIAN
   * decides) or `bi-endian` (TARGET_PPC64/TARGET_ARM: CPU byte order seen at device reset).
   */
  qemuLegacyByteOrder: 'target' | 'bi-endian';
}

/** A feature bit with its Linux name (include/uapi/linux/virtio_*.h). */
export interface FeatureBit {
  name: string;
  bit: number;
}

export type FieldType = 'uint' | 'mac';

/** One field of a device's config struct; declared once, it drives encoding, decoding and docs. */
export interface ConfigField {
  /** Linux struct field name, e.g. `blk_size`, `geometry.cylinders`. */
  name: string;
  offset: number;
  width: FieldWidth | 6;
  type: FieldType;
  /** Feature that makes the field valid (spec: "only exists if ... is set"). */
  feature?: string;
  /** Value QEMU's device model fills when the combination does not set it. */
  qemuDefault: number | string;
  /** Values QEMU accepts for the property behind this field (narrower than the field width). */
  qemuAccepts?: { min?: number; max?: number; powerOf2?: boolean; source: string };
  doc: string;
}

export interface DeviceProfile extends Cited {
  name: DeviceName;
  /** Virtio device ID (spec "Device Types"). */
  virtioId: number;
  linuxDriver: string;
  features: readonly FeatureBit[];
  config: readonly ConfigField[];
  /** Device-specific features QEMU's model offers by default (from a release on, where given). */
  qemuOffers: readonly (string | { feature: string; since: string })[];
  /** Device bits QEMU shows only through a legacy interface (`vdc->legacy_features`). */
  qemuLegacyFeatures?: readonly string[];
  /** How the offer changes when the device has no modern interface (QEMU's get_features without VERSION_1). */
  qemuLegacyOnlyOffers?: { add: readonly string[]; remove: readonly string[] } & Cited;
  /** In QEMU's `virtio_legacy_allowed()` list: may be legacy or transitional. */
  legacyAllowed: boolean;
  /** First QEMU version with a device model of its own (`qemu` backend); absent: none. */
  qemuModelSince?: string;
  /** vhost-user: whether a backend exists and who fills config space. */
  vhostUser?: {
    since: string;
    /**
     * `backend-native`: the backend fills config in host byte order whatever was negotiated
     * (contrib/vhost-user-blk); `qemu`: QEMU's device model fills config, the backend only
     * carries the data path; `none`: the device has no config space.
     */
    config: 'backend-native' | 'qemu' | 'none';
  } & Cited;
  /**
   * What the guest ends up using and when that breaks the device: e.g. blk's logical block size
   * must equal the device's `blk_size`; net's MTU must not exceed the advertised `mtu`.
   */
  guestValues: readonly GuestValue[];
}

export interface GuestValue extends Cited {
  /** Name of the value the guest uses, e.g. `logical_block_size`, `mtu`. */
  name: string;
  /** The config field it is read from, and the feature that must be negotiated for that. */
  field: string;
  feature: string;
  /** What Linux uses without the feature (blk: queue default 512; net: ETH_DATA_LEN 1500). */
  linuxDefault: number;
  /** When the guest's value breaks the device, compared with the device's true value. */
  breaksWhen: 'differs' | 'exceeds';
  /**
   * Whether the device's true value still binds when it does not offer the feature: a disk
   * keeps its block size whatever it advertises; a NIC that advertises no MTU imposes none.
   */
  bindsWithoutFeature: boolean;
}

/** A closed range check as Linux writes it, `value < min || value > max` rejects. */
export interface RangeCheck {
  min: number;
  /** A number, or `PAGE_SIZE` (the guest's page size). */
  max: number | 'PAGE_SIZE';
  /** `!is_power_of_2(value)` also rejects (blk_validate_block_size). */
  powerOf2?: boolean;
}

/**
 * Driver behaviour that a Linux patch adds. Rules are what the code does, not outcomes:
 * the engine runs them against bytes.
 */
export type DriverRule =
  /** In `validate()` (before FEATURES_OK) or `probe()` (after): read a field, reject a range. */
  | {
      kind: 'configCheck';
      /** Names the rule so that a later patch can remove it alone (`KernelPatch.removes`). */
      id?: string;
      device: DeviceName;
      phase: 'validate' | 'probe';
      field: string;
      /** The check runs only while this feature is set in the driver's features. */
      whenFeature: string;
      reject: RangeCheck;
      /** `clearFeature`: `__virtio_clear_bit()` and go on; `failProbe`: return -EINVAL. */
      action: 'clearFeature' | 'failProbe';
      /**
       * A probe check that runs after the driver set up its virtqueues: failing it deletes them
       * on the way out, which a legacy PCI device answers with a reset (see TransportLink.deleteVirtqueues).
       */
      afterFindVqs?: boolean;
      message: string;
    }
  /** `validate()` drops a feature by guest policy, no config read (balloon PAGE_POISON). */
  | { kind: 'policyClear'; device: DeviceName; feature: string; message: string }
  /** `validate()` fails unless VERSION_1 was negotiated (scmi, sound). */
  | { kind: 'requireVersion1'; device: DeviceName; message: string }
  /** The driver's feature table gains a feature (both tables unless `modernOnly`). */
  | { kind: 'acceptFeature'; device: DeviceName; feature: string; modernOnly?: boolean }
  /** The driver's feature tables lose a feature (both). */
  | { kind: 'dropFeature'; device: DeviceName; feature: string };

/** Behaviour of the driver core, `virtio_dev_probe()`, that a patch adds. */
export type CoreRule =
  /** 404123c2db79: drivers may have a `validate` callback, run before FEATURES_OK. */
  | { kind: 'validateHook' }
  /** 2f9a174f918e: on BE guests, write VERSION_1 alone before `validate()` if offered. */
  | { kind: 'writeBackVersion1BeforeValidate' }
  /** 4fa59ede9519: `finalize_features()` with all features before `validate()`, again if it changed any. */
  | { kind: 'finalizeBeforeValidate' };

export type PatchRole =
  /** Adds a driver/core feature or check (part of every strategy). */
  | 'change'
  /** One of the remedies for the 2021 regression: removed by `pre-fix`, chosen by a strategy. */
  | 'fix';

export interface KernelPatch extends Cited {
  /** Abbreviated commit id (12 hex digits), as in `Fixes:` tags. */
  id: string;
  title: string;
  /** First mainline tag that contains it, e.g. `5.15-rc6`, `5.14` (for -rc7 merges say `5.14-rc7`). */
  mainline: string;
  /** Stable releases that carry a backport, e.g. `5.14.14`: that branch from that release on. */
  stable: readonly string[];
  role: PatchRole;
  /** The remedy a strategy names (`revert`, `write-back`, `ack-all`). */
  remedy?: 'revert' | 'write-back' | 'ack-all';
  /** Commits (or rule ids) whose rules this one removes: a revert, a replacement, a moved check. */
  removes?: readonly string[];
  driver?: readonly DriverRule[];
  core?: readonly CoreRule[];
}

/** A Linux driver: its feature tables and what `probe()` always did with config values. */
export interface LinuxDriverProfile extends Cited {
  device: DeviceName;
  /** First mainline version with this driver. */
  since: string;
  /** `feature_table[]`: offered to modern devices. */
  featureTable: readonly string[];
  /** `feature_table_legacy[]`: offered when the device lacks VERSION_1. */
  featureTableLegacy: readonly string[];
  /** Rules the driver has had since it appeared (e.g. a `validate` callback from day one). */
  rules?: readonly DriverRule[];
}

/** A QEMU change that alters negotiation or which devices/modes exist. */
export interface QemuChange extends Cited {
  id: string;
  title: string;
  /** First QEMU release that contains it; absent for an unmerged what-if. */
  release?: string;
  effect?:
    /** `virtio_legacy_allowed()` enforced: modern-only devices refuse legacy/transitional. */
    | 'enforceLegacyAllowed'
    /** RFC "virtio: early detect 'modern' virtio": VERSION_1 in guest_features at modern reset. */
    | 'earlyModernDetect';
  /** Device models offer more or fewer features by default (a property default changed). */
  offers?: readonly { device: DeviceName; add?: readonly string[]; remove?: readonly string[] }[];
  /**
   * How config byte order is chosen: `guestFeatures` is QEMU as released
   * (virtio_access_is_big_endian: guest_features & VERSION_1, else the guest's order);
   * `modernInterface` is the spec's rule, little endian whenever the access comes through a
   * modern interface (pci modern caps, ccw revision >= 1), whatever the driver has written.
   */
  configByteOrder?: 'guestFeatures' | 'modernInterface';
  /** Devices added to or removed from `virtio_legacy_allowed()` (may be legacy or transitional). */
  legacyAllowed?: { add?: readonly DeviceName[]; remove?: readonly DeviceName[] };
}

export interface HypervisorProfile extends Cited {
  name: string;
  /** QEMU release the profile models, e.g. `7.2`; the RFC profile names its base. */
  version: string;
  changes: readonly QemuChange[];
  /** virtio-mmio's `force-legacy` default (`DEFINE_PROP_BOOL("force-legacy", ..., true)`). */
  mmioForceLegacy: boolean;
  /** Listed in version order; the what-if RFC sorts after its base. */
  order: number;
}
