/**
 * What a source-built kernel is built from and for: Debian's `linux-source-X.Y` packages and the
 * two guest architectures the probes boot (s390x big-endian, x86_64 the little-endian control).
 */
import { join } from 'node:path';

/** The repo's kernel inputs: config fragments and per-series patch directories. */
export const KERNELS_DIR = join(__dirname, '..', '..', 'kernels');

export interface SourceSeries {
  series: string;
  /** Debian package that ships the tarball, and the tarball it ships. */
  sourcePackage: string;
  tarball: string;
  /** The top directory inside the tarball. */
  topDir: string;
}

export const SERIES: Record<string, SourceSeries> = Object.fromEntries(
  ['6.1', '6.12'].map((series) => [series, {
    series,
    sourcePackage: `linux-source-${series}`,
    tarball: `/usr/src/linux-source-${series}.tar.xz`,
    topDir: `linux-source-${series}`,
  }]),
);

export interface BuildArch {
  /** The engine's arch name (and the probes'). */
  arch: string;
  /** Kbuild's ARCH and CROSS_COMPILE. */
  kbuildArch: string;
  crossCompile: string;
  /** Debian package of the cross compiler ('' when the host compiler builds it). */
  compilerPackage: string;
  target: string;
  /** Where the target lands in the tree. */
  image: string;
}

export const BUILD_ARCHES: Record<string, BuildArch> = {
  s390x: { arch: 's390x', kbuildArch: 's390', crossCompile: 's390x-linux-gnu-', compilerPackage: 'gcc-s390x-linux-gnu', target: 'bzImage', image: 'arch/s390/boot/bzImage' },
  x86_64: { arch: 'x86_64', kbuildArch: 'x86_64', crossCompile: '', compilerPackage: 'gcc', target: 'bzImage', image: 'arch/x86/boot/bzImage' },
};

/** A bad request to the builder (unknown series or arch, missing patch): the CLI prints it as a usage error. */
export class KernelBuildInputError extends Error {
  readonly code = 'INVALID_KERNEL_BUILD';
}

export function seriesOf(name: string): SourceSeries {
  const s = SERIES[name];
  if (!s) throw new KernelBuildInputError(`series ${name} is not buildable here; one of ${Object.keys(SERIES).join(', ')}`);
  return s;
}

export function archOf(name: string): BuildArch {
  const a = BUILD_ARCHES[name];
  if (!a) throw new KernelBuildInputError(`arch ${name} is not buildable here; one of ${Object.keys(BUILD_ARCHES).join(', ')}`);
  return a;
}

/** The Linux series a version belongs to ("6.1.192" → "6.1"), or undefined outside the buildable ones. */
export function seriesOfVersion(version: string): string | undefined {
  const m = /^(\d+\.\d+)(?:[.-]|$)/.exec(version);
  return m && SERIES[m[1]] ? m[1] : undefined;
}
