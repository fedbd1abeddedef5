/** What scripts/install-probe-deps.sh left in the probe directory, as the engine spells versions. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBuilt } from '../kernels/cache';
import { planBuild } from '../kernels/build';
import type { Installed, SourceBuiltKernel } from './plan';

export const DEFAULT_PROBE_DIR = join(__dirname, '..', '..', '.probe');

const ARCH_OF: Record<string, { arch: string; file: string; console: string }> = {
  s390x: { arch: 's390x', file: 's390x', console: 'ttysclp0' },
  amd64: { arch: 'x86_64', file: 'amd64', console: 'ttyS0' },
};
const QEMU_OF: Record<string, { arch: string; binary: string }> = {
  'qemu-system-misc': { arch: 's390x', binary: 'qemu-system-s390x' },
  'qemu-system-x86': { arch: 'x86_64', binary: 'qemu-system-x86_64' },
};

export interface ProbeInstall extends Installed {
  dir: string;
  diskImage: string;
  /** Package versions, for the record. */
  packages: Record<string, string>;
}

/** Null when the probe dependencies are not installed. */
export function findInstalled(dir = process.env.PROBE_DIR ?? DEFAULT_PROBE_DIR): ProbeInstall | null {
  const versions = join(dir, 'versions.txt');
  if (!existsSync(versions)) return null;
  const packages: Record<string, string> = {};
  const installed: ProbeInstall = { dir, diskImage: join(dir, 'out', 'disk.raw'), packages, guests: {}, qemu: {} };
  for (const line of readFileSync(versions, 'utf8').split('\n')) {
    const [pkg, version] = line.trim().split(/\s+/);
    if (!pkg || !version) continue;
    packages[pkg] = version;
    // linux-image-6.1.0-50-s390x:s390x 6.1.176-1 → Linux 6.1.176 for s390x
    const kernel = /^linux-image-[\d.]+-\d+-(s390x|amd64)/.exec(pkg);
    if (kernel) {
      const a = ARCH_OF[kernel[1]];
      installed.guests[a.arch] = {
        kernelImage: join(dir, 'out', `vmlinuz-${a.file}`), initrd: join(dir, 'out', `initramfs-${a.file}.cpio.gz`),
        kernelVersion: version.replace(/-.*$/, ''), console: a.console,
        builtinInitrd: join(dir, 'out', `initramfs-${a.file}-builtin.cpio.gz`),
      };
    }
    const qemu = QEMU_OF[pkg];
    // 1:7.2+dfsg-7+deb12u18+b3 → qemu-7.2
    const release = /^(?:\d+:)?(\d+\.\d+)/.exec(version);
    if (qemu && release) installed.qemu[qemu.arch] = { binary: qemu.binary, hypervisor: `qemu-${release[1]}` };
  }
  installed.sourceBuilt = sourceBuiltFromCache();
  return installed;
}

/**
 * Source-built kernels from the kernel cache, only when built from today's inputs (source
 * package, config fragment, patches, compiler): a kernel built before a patch changed is not it.
 */
export function sourceBuiltFromCache(): NonNullable<Installed['sourceBuilt']> {
  const memo = new Map<string, SourceBuiltKernel | null>();
  return (arch, series, strategy) => {
    const key = `${arch}|${series}|${strategy}`;
    if (!memo.has(key)) {
      let found: SourceBuiltKernel | null = null;
      try {
        const built = readBuilt(planBuild({ series, arch, strategy, installDeps: false }).id);
        if (built) found = { id: built.id, linuxVersion: built.linuxVersion, kernelImage: built.image, imageSha256: built.imageSha256, patches: built.inputs.patches.map((p) => p.file) };
      } catch {
        // Not buildable here (no source package, unknown arch or strategy): nothing cached either.
      }
      memo.set(key, found);
    }
    return memo.get(key)!;
  };
}
