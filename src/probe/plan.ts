/**
 * Which combinations real software on this machine can boot, and the QEMU command line for each.
 * A combination maps onto QEMU device properties (fact sheet §5, §6; issue 4): legacy on ccw is
 * `max_revision=0`, on PCI `disable-modern=on`; modern-only PCI is `disable-legacy=on`; a blk
 * config `blk_size` is `logical_block_size` (and `physical_block_size`, which QEMU wants >= it);
 * a net `mtu` is `host_mtu` on a restricted user netdev. Everything else is "not probeable",
 * with the reason.
 */
import { parseCombination, type Combination } from '../engine';

/** What is installed here: the guest kernel and QEMU the probes boot (see scripts/install-probe-deps.sh). */
export interface Installed {
  /** Guest arch → kernel image, initramfs (probe/initramfs/init + virtio modules), and the kernel's version as the engine spells it. */
  guests: Partial<Record<string, { kernelImage: string; initrd: string; kernelVersion: string; console: string }>>;
  /** QEMU binary per guest arch and its version as the engine spells it (qemu-7.2). */
  qemu: Partial<Record<string, { binary: string; hypervisor: string }>>;
}

export type ProbePlan =
  | { probeable: true; combination: Combination; binary: string; args: string[]; kernelImage: string }
  | { probeable: false; combination: Combination; reason: string };

const MACHINE: Record<string, string[]> = {
  s390x: ['-M', 's390-ccw-virtio', '-accel', 'tcg'],
  x86_64: ['-M', 'q35', '-accel', 'tcg', '-cpu', 'max'],
};

const TRANSPORT_FOR: Record<string, string> = { s390x: 'ccw', x86_64: 'pci' };

function modeProperties(transport: string, mode: string): string | null {
  if (transport === 'ccw') return mode === 'legacy' ? 'max_revision=0' : mode === 'transitional' ? '' : null;
  return mode === 'legacy' ? 'disable-modern=on,disable-legacy=off' : mode === 'modern' ? 'disable-legacy=on,disable-modern=off' : 'disable-legacy=off,disable-modern=off';
}

export function planProbe(input: unknown, installed: Installed, diskImage: string): ProbePlan {
  const c = parseCombination(input);
  const no = (reason: string): ProbePlan => ({ probeable: false, combination: c, reason });
  const guest = installed.guests[c.arch];
  const qemu = installed.qemu[c.arch];
  if (!guest || !qemu) return no(`no ${c.arch} guest kernel or QEMU is installed here (run scripts/install-probe-deps.sh; s390x and x86_64 are supported)`);
  if (c.transport !== TRANSPORT_FOR[c.arch]) return no(`probes drive ${c.arch} guests over ${TRANSPORT_FOR[c.arch]}, not ${c.transport}`);
  if (c.backend !== 'qemu') return no('vhost-user needs a backend daemon the probes do not run');
  if (c.kernel !== guest.kernelVersion) return no(`only Linux ${guest.kernelVersion} is installed for ${c.arch}; ${c.kernel} is not packaged here`);
  if (c.hypervisor !== qemu.hypervisor) return no(`the QEMU here is ${qemu.hypervisor}, not ${c.hypervisor}`);
  if (c.strategy !== 'as-shipped') return no(`a real kernel runs as shipped; strategy ${c.strategy} exists only in the engine`);
  if (c.features) return no('a custom device feature list has no QEMU property here');
  const props = modeProperties(c.transport, c.mode);
  if (props === null) return no(`${c.transport} has no ${c.mode} mode for ${c.device} in QEMU`);
  const suffix = c.transport;
  const devices: string[] = [];
  if (c.device === 'blk') {
    const unknown = Object.keys(c.config).filter((k) => k !== 'blk_size');
    if (unknown.length) return no(`config ${unknown.join(', ')} has no QEMU property the probes set`);
    const size = c.config.blk_size ?? 512;
    devices.push('-drive', `if=none,id=d0,format=raw,file=${diskImage}`,
      '-device', [`virtio-blk-${suffix}`, 'drive=d0', 'id=blk0', `logical_block_size=${size}`, `physical_block_size=${size}`, props].filter(Boolean).join(','));
  } else if (c.device === 'net') {
    const unknown = Object.keys(c.config).filter((k) => k !== 'mtu');
    if (unknown.length) return no(`config ${unknown.join(', ')} has no QEMU property the probes set`);
    devices.push('-netdev', 'user,id=n0,restrict=on',
      '-device', [`virtio-net-${suffix}`, 'netdev=n0', 'id=net0', c.config.mtu !== undefined ? `host_mtu=${c.config.mtu}` : '', props].filter(Boolean).join(','));
  } else {
    return no(`probes cover blk and net; ${c.device} is not wired up`);
  }
  const args = [
    ...MACHINE[c.arch], '-m', '512', '-smp', '1', '-nographic', '-no-reboot',
    '-kernel', guest.kernelImage, '-initrd', guest.initrd, '-append', `console=${guest.console} probe.wait=1 panic=-1`,
    ...devices,
  ];
  return { probeable: true, combination: c, binary: qemu.binary, args, kernelImage: guest.kernelImage };
}
