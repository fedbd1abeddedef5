/**
 * Which combinations real software on this machine can boot, and the QEMU command line for each.
 * A combination maps onto QEMU device properties (fact sheet §5, §6; issue 4): legacy on ccw is
 * `max_revision=0`, on PCI `disable-modern=on`; modern-only PCI is `disable-legacy=on`; a blk
 * config `blk_size` is `logical_block_size` (and `physical_block_size`, which QEMU wants >= it);
 * a net `mtu` is `host_mtu` on a restricted user netdev. Everything else is "not probeable",
 * with the reason.
 */
import { parseCombination, type Combination } from '../engine';
import { SERIES, seriesOfVersion } from '../kernels/targets';

/** A kernel built from Debian's source by `virtio-matrix kernels build`, found in the cache. */
export interface SourceBuiltKernel {
  id: string;
  /** As the engine spells it (make kernelrelease): 6.1.192. */
  linuxVersion: string;
  kernelImage: string;
  imageSha256: string;
  /** The strategy's patch files, in application order. */
  patches: string[];
}

/**
 * A kernel image handed in (a registered artifact) with what it declares: every combination of
 * its arch boots it, predicted at its version and strategy. It must have the virtio drivers built
 * in, as `kernels build` makes them: it boots with the built-in initramfs.
 */
export interface KernelUnderTest {
  arch: string;
  image: string;
  /** As the engine spells it: 6.1.192. */
  linuxVersion: string;
  strategy: string;
}

/** What is installed here: the guest kernels and QEMU the probes boot (see scripts/install-probe-deps.sh). */
export interface Installed {
  /**
   * Guest arch → Debian's packaged kernel image, its initramfs (probe/initramfs/init + virtio
   * modules), the kernel's version as the engine spells it; `builtinInitrd` is busybox and /init
   * only, for source-built kernels (every driver built in).
   */
  guests: Partial<Record<string, { kernelImage: string; initrd: string; kernelVersion: string; console: string; builtinInitrd?: string }>>;
  /** QEMU binary per guest arch and its version as the engine spells it (qemu-7.2). */
  qemu: Partial<Record<string, { binary: string; hypervisor: string }>>;
  /** The source-built kernel for a series and strategy, when the cache holds one built from today's inputs. */
  sourceBuilt?: (arch: string, series: string, strategy: string) => SourceBuiltKernel | null;
  /** When set, the only kernel booted: packaged and cached kernels are not used. */
  kernelUnderTest?: KernelUnderTest;
}

/** A source-built kernel a plan needs and the cache lacks: `kernels build` makes it. */
export interface MissingBuild {
  series: string;
  arch: string;
  strategy: string;
}

export type ProbePlan =
  | { probeable: true; combination: Combination; binary: string; args: string[]; kernelImage: string; sourceBuilt?: SourceBuiltKernel }
  | { probeable: false; combination: Combination; reason: string; missingBuild?: MissingBuild };

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
  let c = parseCombination(input);
  const no = (reason: string): ProbePlan => ({ probeable: false, combination: c, reason });
  const guest = installed.guests[c.arch];
  const qemu = installed.qemu[c.arch];
  if (!guest || !qemu) return no(`no ${c.arch} guest kernel or QEMU is installed here (run scripts/install-probe-deps.sh; s390x and x86_64 are supported)`);
  if (c.transport !== TRANSPORT_FOR[c.arch]) return no(`probes drive ${c.arch} guests over ${TRANSPORT_FOR[c.arch]}, not ${c.transport}`);
  if (c.backend !== 'qemu') return no('vhost-user needs a backend daemon the probes do not run');
  if (c.hypervisor !== qemu.hypervisor) return no(`the QEMU here is ${qemu.hypervisor}, not ${c.hypervisor}`);
  const kernel = guestKernel(c, guest, installed);
  if ('reason' in kernel) return { probeable: false, combination: c, reason: kernel.reason, missingBuild: kernel.missingBuild };
  if (c.features) return no('a custom device feature list has no QEMU property here');
  const props = modeProperties(c.transport, c.mode);
  if (props === null) return no(`${c.transport} has no ${c.mode} mode for ${c.device} in QEMU`);
  const suffix = c.transport;
  const devices: string[] = [];
  if (c.device === 'blk') {
    const unknown = Object.keys(c.config).filter((k) => k !== 'blk_size');
    if (unknown.length) return no(`config ${unknown.join(', ')} has no QEMU property the probes set`);
    const size = c.config.blk_size ?? 512;
    devices.push('-drive', `if=none,id=d0,format=raw,file=${diskImage},file.locking=off`,
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
    '-kernel', kernel.image, '-initrd', kernel.initrd, '-append', `console=${guest.console} probe.wait=1 panic=-1`,
    ...devices,
  ];
  c = { ...c, kernel: kernel.linuxVersion };
  return { probeable: true, combination: c, binary: qemu.binary, args, kernelImage: kernel.image, sourceBuilt: kernel.sourceBuilt };
}

type Guest = NonNullable<Installed['guests'][string]>;
type GuestKernel = { image: string; initrd: string; linuxVersion: string; sourceBuilt?: SourceBuiltKernel } | { reason: string; missingBuild?: MissingBuild };

/**
 * The kernel a combination boots: Debian's packaged one when it names that version as shipped;
 * otherwise the kernel built from Debian's source for its series (6.1, 6.12) and strategy.
 */
function guestKernel(c: Combination, guest: Guest, installed: Installed): GuestKernel {
  if (installed.kernelUnderTest) return kernelUnderTest(c, guest, installed.kernelUnderTest);
  if (c.kernel === guest.kernelVersion && c.strategy === 'as-shipped') return { image: guest.kernelImage, initrd: guest.initrd, linuxVersion: c.kernel };
  const series = seriesOfVersion(c.kernel);
  if (!series) return { reason: `only Linux ${guest.kernelVersion} is packaged here for ${c.arch}, and ${c.kernel} is not a series built from source (${Object.keys(SERIES).join(', ')})` };
  if (!installed.sourceBuilt || !guest.builtinInitrd) return { reason: `Linux ${c.kernel} ${c.strategy} needs a kernel built from source, and this installation has no kernel cache or built-in initramfs (run scripts/install-probe-deps.sh)` };
  const built = installed.sourceBuilt(c.arch, series, c.strategy);
  if (!built) {
    return {
      reason: `no source-built Linux ${series} ${c.strategy} kernel for ${c.arch} in the kernel cache: run npx virtio-matrix kernels build --series ${series} --arch ${c.arch} --strategy ${c.strategy}`,
      missingBuild: { series, arch: c.arch, strategy: c.strategy },
    };
  }
  if (c.kernel !== series && c.kernel !== built.linuxVersion) return { reason: `the Linux ${series} source here is ${built.linuxVersion}, not ${c.kernel}` };
  return { image: built.kernelImage, initrd: guest.builtinInitrd, linuxVersion: built.linuxVersion, sourceBuilt: built };
}

/**
 * The handed-in kernel, for the cells it stands for: its arch, its strategy, and its version or
 * that version's series (a matrix saying 6.1 means whatever 6.1 kernel is under test).
 */
function kernelUnderTest(c: Combination, guest: Guest, k: KernelUnderTest): GuestKernel {
  const other = otherKernel(c, k);
  if (other) return { reason: other };
  if (!guest.builtinInitrd) return { reason: `no built-in initramfs for ${c.arch} is installed here (run scripts/install-probe-deps.sh)` };
  return { image: k.image, initrd: guest.builtinInitrd, linuxVersion: k.linuxVersion };
}

/** Why a cell is not the kernel under test's (another arch, strategy or version), or null. */
export function otherKernel(c: Pick<Combination, 'arch' | 'strategy' | 'kernel'>, k: KernelUnderTest): string | null {
  if (c.arch !== k.arch) return `the kernel under test is ${k.arch}, not ${c.arch}`;
  if (c.strategy !== k.strategy) return `the kernel under test stands for ${k.strategy}, not ${c.strategy}`;
  const series = /^\d+\.\d+/.exec(k.linuxVersion)?.[0];
  if (c.kernel !== k.linuxVersion && c.kernel !== series) return `the kernel under test is Linux ${k.linuxVersion}, not ${c.kernel}`;
  return null;
}
