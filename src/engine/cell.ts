import type { ByteOrder } from './byteorder';
import type { Combination } from './combination';
import type { FeatureWords } from './features';
import type { CompiledDriver } from './kernel';
import type { TransportMode } from './profiles/transports';
import type {
  ArchProfile, BackendName, DeviceMode, DeviceProfile, HypervisorProfile, TransportName,
} from './profiles/types';

/** Who fills config space, and so whose idea of byte order it carries. */
export type ConfigSource = 'qemu' | 'backend-native' | 'none';

/**
 * One resolved combination: every axis replaced by its profile, the device's offered features
 * and true config values worked out. The simulation reads only this.
 */
export interface Cell {
  arch: ArchProfile;
  /** Byte order of the host that runs a vhost-user backend (the guest's unless `hostArch`). */
  hostByteOrder: ByteOrder;
  transport: TransportName;
  mode: DeviceMode;
  transportMode: TransportMode;
  device: DeviceProfile;
  backend: BackendName;
  configSource: ConfigSource;
  hypervisor: HypervisorProfile;
  /** RFC "early detect modern": VERSION_1 enters guest_features at a modern reset. */
  earlyModernDetect: boolean;
  /** A QEMU change makes config little endian on any modern-interface access (qemu-model.ts). */
  modernConfigLittleEndian: boolean;
  driver: CompiledDriver;
  pageSize: number;
  /** QEMU's `host_features`: what the device offers, VERSION_1 included when it has a modern interface. */
  hostFeatures: FeatureWords;
  /** What the device shows through a modern interface: host_features minus the legacy-only bits. */
  modernView: FeatureWords;
  /** True config values, by index into `device.config`; mac fields hold their 6 bytes. */
  configValues: readonly (number | Uint8Array)[];
}

/** A cell resolved from a user's combination, which it keeps for outcomes. */
export interface ResolvedCell extends Cell {
  combination: Combination;
}
