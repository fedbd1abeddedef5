/**
 * The kernel cache: `trees/` holds one unpacked, built source tree per source version and arch
 * (reused by every strategy, so a strategy costs an incremental build); `images/` holds one
 * directory per built kernel, named by the hash of everything that went into it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StrategyName } from '../engine/profiles/types';

/** Bump when the build procedure changes in a way that changes images. */
export const BUILDER_VERSION = 1;

export function kernelCacheDir(): string {
  if (process.env.VIRTIO_MATRIX_KERNEL_CACHE) return process.env.VIRTIO_MATRIX_KERNEL_CACHE;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'virtio-matrix', 'kernels');
}

/** Everything an image depends on; its hash names the image. */
export interface BuildInputs {
  series: string;
  sourcePackage: string;
  /** Debian package version, e.g. 6.1.192-3. */
  sourceVersion: string;
  arch: string;
  strategy: StrategyName;
  configSha256: string;
  patches: { file: string; sha256: string }[];
  /** First line of the compiler's --version. */
  compiler: string;
  builder: number;
}

export interface BuiltKernel {
  /** `<series>-<arch>-<strategy>-<12 hex of the inputs' hash>`: stable for the same inputs. */
  id: string;
  inputs: BuildInputs;
  /** The Linux version as the engine spells it (make kernelrelease, e.g. 6.1.192). */
  linuxVersion: string;
  image: string;
  imageSha256: string;
  imageBytes: number;
  builtAt: string;
  buildSeconds: number;
}

export function buildId(inputs: BuildInputs): string {
  const hash = createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 12);
  return `${inputs.series}-${inputs.arch}-${inputs.strategy}-${hash}`;
}

export function imageDir(id: string, cacheDir = kernelCacheDir()): string {
  return join(cacheDir, 'images', id);
}

export function treeDir(sourceVersion: string, arch: string, cacheDir = kernelCacheDir()): string {
  return join(cacheDir, 'trees', `linux-${sourceVersion}-${arch}`);
}

export function readBuilt(id: string, cacheDir = kernelCacheDir()): BuiltKernel | null {
  const meta = join(imageDir(id, cacheDir), 'meta.json');
  if (!existsSync(meta)) return null;
  const built = JSON.parse(readFileSync(meta, 'utf8')) as BuiltKernel;
  return existsSync(built.image) ? built : null;
}

/** Every built kernel in the cache, newest first. */
export function listBuilt(cacheDir = kernelCacheDir()): BuiltKernel[] {
  const dir = join(cacheDir, 'images');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((id) => readBuilt(id, cacheDir))
    .filter((b): b is BuiltKernel => b !== null)
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt));
}
