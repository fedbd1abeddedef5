/**
 * `kernels build` and `kernels list`: source-built guest kernels in the cache. Progress goes to
 * stderr (a bar on a terminal, a line every 15 s otherwise); the built kernels are JSON on stdout.
 */
import { Presets, SingleBar } from 'cli-progress';
import { STRATEGIES } from '../engine';
import { buildKernel, type BuildResult } from '../kernels/build';
import { listBuilt } from '../kernels/cache';
import { KernelBuildInputError } from '../kernels/targets';
import { openDatabase } from '../db/database';
import { databaseUrl } from '../db/url';
import { addKernelFile, artifactDeps } from './artifact-command';
import { CliError } from './input';

export interface KernelsBuildOptions {
  series: string;
  arch: string;
  strategy: string;
  jobs?: string;
  /** Register each image as a kernel artifact in the store, ready for `run --kernel ID`. */
  register?: boolean;
  db?: string;
}

/** `all` or a comma-separated list. */
export function strategiesOf(text: string): string[] {
  return text === 'all' ? [...STRATEGIES] : text.split(',').map((s) => s.trim()).filter(Boolean);
}

export async function kernelsBuild(opts: KernelsBuildOptions): Promise<void> {
  const results: (BuildResult['kernel'] & { cached: boolean; artifact?: string })[] = [];
  for (const arch of opts.arch.split(',')) {
    for (const strategy of strategiesOf(opts.strategy)) {
      const result = await buildWithProgress({ series: opts.series, arch, strategy, jobs: opts.jobs ? Number(opts.jobs) : undefined });
      results.push({ ...result.kernel, cached: result.cached });
    }
  }
  if (opts.register) await registerBuilt(results, opts.db);
  process.stdout.write(JSON.stringify(results.length === 1 ? results[0] : results, null, 2) + '\n');
}

export async function buildWithProgress(req: { series: string; arch: string; strategy: string; jobs?: number }): Promise<BuildResult> {
  const label = `linux ${req.series} ${req.arch} ${req.strategy}`;
  const bar = process.stderr.isTTY ? new SingleBar({ format: `${label} [{bar}] {value}/{total} steps | {step}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic) : null;
  let started = false;
  let lastLine = 0;
  try {
    const result = await buildKernel({
      ...req,
      log: (line) => process.stderr.write(`${label}: ${line}\n`),
      onProgress: (done, expected, step) => {
        const total = Math.max(expected ?? done, done);
        if (bar) {
          if (!started) bar.start(total, 0, { step });
          started = true;
          bar.setTotal(total);
          bar.update(done, { step });
        } else if (Date.now() - lastLine > 15_000) {
          lastLine = Date.now();
          process.stderr.write(`${label}: ${done}${expected ? `/~${expected}` : ''} steps (${step})\n`);
        }
      },
    });
    bar?.stop();
    process.stderr.write(`${label}: ${result.cached ? 'cached' : `built in ${result.kernel.buildSeconds} s`}: ${result.kernel.id} (Linux ${result.kernel.linuxVersion})\n`);
    return result;
  } catch (err) {
    bar?.stop();
    if (err instanceof KernelBuildInputError) throw new CliError('INVALID_KERNEL_BUILD', err.message);
    throw err;
  }
}

/** The images as kernel artifacts, declared with the version and strategy they were built as. */
async function registerBuilt(results: (BuildResult['kernel'] & { artifact?: string })[], db?: string): Promise<void> {
  const store = await openDatabase(databaseUrl(db));
  try {
    for (const k of results) {
      const { artifact } = await addKernelFile(artifactDeps(store), k.image, { arch: k.inputs.arch, linux: k.linuxVersion, strategy: k.inputs.strategy });
      k.artifact = artifact.id;
    }
  } finally {
    await store.close();
  }
}

export function kernelsList(): void {
  process.stdout.write(JSON.stringify(listBuilt().map((k) => ({
    id: k.id, series: k.inputs.series, arch: k.inputs.arch, strategy: k.inputs.strategy, linuxVersion: k.linuxVersion,
    sourceVersion: k.inputs.sourceVersion, patches: k.inputs.patches.map((p) => p.file), image: k.image, imageBytes: k.imageBytes,
    builtAt: k.builtAt, buildSeconds: k.buildSeconds,
  })), null, 2) + '\n');
}
