/**
 * The guest's report (printed by probe/initramfs/init between VPROBE markers) and QEMU's QMP
 * answers, parsed into observations per virtio device. Line format: `<section> key=value ...`.
 */
export const BEGIN = '===VPROBE-BEGIN===';
export const END = '===VPROBE-END===';

export interface GuestDevice {
  /** `virtioN` (numbering changes between boots: match by device id). */
  name: string;
  /** Virtio device id, e.g. 0x0002 for blk. */
  deviceId: number;
  driver: string;
  status: number;
  /** Bits set in sysfs `features` (character i = bit i). */
  featureBits: number[];
  logicalBlockSize?: number;
  mtu?: number;
}

export interface GuestReport {
  kernel: string;
  devices: GuestDevice[];
  dmesg: string[];
}

function fields(line: string): Record<string, string> {
  return Object.fromEntries(line.split(' ').slice(1).map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1)];
  }));
}

/** Parse the text between the markers (or a whole console log that contains them). */
export function parseReport(text: string): GuestReport {
  const body = text.includes(BEGIN) ? text.split(BEGIN)[1].split(END)[0] : text;
  const devices = new Map<string, GuestDevice>();
  const report: GuestReport = { kernel: '', devices: [], dmesg: [] };
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    const section = line.split(' ')[0];
    const f = fields(line);
    if (section === 'meta') report.kernel = f.kernel;
    else if (section === 'virtio') {
      const bits = [...f.features].flatMap((c, i) => (c === '1' ? [i] : []));
      devices.set(f.name, { name: f.name, deviceId: Number(f.device), driver: f.driver, status: Number(f.status), featureBits: bits });
    } else if (section === 'blk' && devices.has(f.virtio)) devices.get(f.virtio)!.logicalBlockSize = Number(f.logical_block_size);
    else if (section === 'net' && devices.has(f.virtio)) devices.get(f.virtio)!.mtu = Number(f.mtu);
    else if (section === 'dmesg') report.dmesg.push(line.slice('dmesg '.length));
  }
  report.devices = [...devices.values()];
  return report;
}

/** One device's `x-query-virtio-status` answer, reduced to feature names and numbers. */
export interface QmpStatus {
  'device-id': number;
  'device-endian': string;
  'host-features': { transports: string[]; 'dev-features'?: string[]; 'unknown-dev-features'?: number };
  'guest-features': { transports: string[]; 'dev-features'?: string[]; 'unknown-dev-features'?: number };
  status: { statuses: string[] };
}

/**
 * QEMU 7.2 decodes some bits under another name: on virtio-pci, bit 30 (VIRTIO_F_BAD_FEATURE,
 * added by the PCI proxy) is printed as VHOST_USER_F_PROTOCOL_FEATURES.
 */
const QMP_ALIASES: Record<string, string> = { VHOST_USER_F_PROTOCOL_FEATURES: 'VIRTIO_F_BAD_FEATURE' };

/** Feature names (Linux spelling) and bits QEMU reports without a name. */
export function qmpFeatures(set: QmpStatus['host-features']): { names: string[]; unknownBits: number[] } {
  const names = [...set.transports, ...(set['dev-features'] ?? [])].map((s) => s.split(':')[0]).map((n) => QMP_ALIASES[n] ?? n);
  const unknown = set['unknown-dev-features'] ?? 0;
  const unknownBits: number[] = [];
  for (let bit = 0; bit < 64; bit++) if (Math.floor(unknown / 2 ** bit) % 2 === 1) unknownBits.push(bit);
  return { names, unknownBits };
}
