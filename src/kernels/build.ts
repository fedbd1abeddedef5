/**
 * `kernels build`: Linux from Debian's source for one series, arch and strategy, into the cache.
 * Nothing is rebuilt unless one of the inputs changed (source package version, arch, config
 * fragment, patch series, compiler, builder): the image's id is the hash of those inputs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { droppedSymbols, readFragment, scriptsConfigArgs } from './config';
import { BUILDER_VERSION, buildId, imageDir, kernelCacheDir, readBuilt, treeDir, type BuildInputs, type BuiltKernel } from './cache';
import { patchSeries, strategyOf } from './patches';
import { archOf, KernelBuildInputError, seriesOf, type BuildArch, type SourceSeries } from './targets';
import { run, switchPatches, unpackTree, writeTreeState, type TreeState } from './tree';

export interface BuildRequest {
  series: string;
  arch: string;
  strategy: string;
  cacheDir?: string;
  jobs?: number;
  /** Install missing Debian packages through scripts/install-kernel-build-deps.sh (needs root). */
  installDeps?: boolean;
  log?: (line: string) => void;
  /** Kbuild steps done, of about `expected` (null before a tree's first full build is known). */
  onProgress?: (done: number, expected: number | null, step: string) => void;
}

export interface BuildResult {
  kernel: BuiltKernel;
  cached: boolean;
}

const INSTALL_SCRIPT = join(__dirname, '..', '..', 'scripts', 'install-kernel-build-deps.sh');

/** What `kernels build` would produce, without building: the inputs and the image id. */
export function planBuild(req: Pick<BuildRequest, 'series' | 'arch' | 'strategy' | 'installDeps'>): { series: SourceSeries; arch: BuildArch; inputs: BuildInputs; id: string } {
  const series = seriesOf(req.series);
  const arch = archOf(req.arch);
  const strategy = strategyOf(req.strategy);
  const sourceVersion = ensureDeps(series, arch, req.installDeps ?? true);
  const fragment = readFragment(arch.arch);
  const patches = patchSeries(series.series, linuxVersionOf(sourceVersion), strategy);
  const inputs: BuildInputs = {
    series: series.series, sourcePackage: series.sourcePackage, sourceVersion, arch: arch.arch, strategy,
    configSha256: fragment.sha256, patches: patches.map((p) => ({ file: p.file, sha256: p.sha256 })),
    compiler: run(`${arch.crossCompile}gcc`, ['--version']).split('\n')[0], builder: BUILDER_VERSION,
  };
  return { series, arch, inputs, id: buildId(inputs) };
}

export async function buildKernel(req: BuildRequest): Promise<BuildResult> {
  const log = req.log ?? (() => undefined);
  const cacheDir = req.cacheDir ?? kernelCacheDir();
  const { series, arch, inputs, id } = planBuild(req);
  const cached = readBuilt(id, cacheDir);
  if (cached) return { kernel: cached, cached: true };

  const tree = treeDir(inputs.sourceVersion, arch.arch, cacheDir);
  mkdirSync(join(cacheDir, 'trees'), { recursive: true });
  // One build per tree at a time; a second `kernels build` waits for the first.
  const release = await lockfile.lock(tree, { realpath: false, stale: 60_000, update: 10_000, retries: { retries: 720, minTimeout: 5_000, maxTimeout: 5_000 } });
  try {
    const again = readBuilt(id, cacheDir);
    if (again) return { kernel: again, cached: true };
    const state = unpackTree(series, tree, log);
    switchPatches(tree, state, patchSeries(series.series, linuxVersionOf(inputs.sourceVersion), inputs.strategy), log);
    configure(tree, arch, state, log);
    const started = Date.now();
    const logPath = join(cacheDir, 'images', `${id}.build.log`);
    mkdirSync(join(cacheDir, 'images'), { recursive: true });
    const steps = await make(tree, arch, req.jobs ?? cpus().length, logPath, state.fullBuildSteps, req.onProgress ?? (() => undefined), log);
    if (state.fullBuildSteps === null) {
      state.fullBuildSteps = steps;
      writeTreeState(tree, state);
    }
    const linuxVersion = run('make', ['-s', 'kernelrelease'], { cwd: tree, env: kbuildEnv(arch) }).trim();
    return { kernel: storeImage(id, inputs, tree, arch, linuxVersion, logPath, (Date.now() - started) / 1000, cacheDir), cached: false };
  } finally {
    await release();
  }
}

/** Debian's 6.1.192-3 or 6.12.117-1~deb12u1 → the Linux version 6.1.192 / 6.12.117. */
export function linuxVersionOf(sourceVersion: string): string {
  return sourceVersion.replace(/^\d+:/, '').replace(/[-~+].*$/, '');
}

function ensureDeps(series: SourceSeries, arch: BuildArch, install: boolean): string {
  const version = () => spawnSync('dpkg-query', ['-W', '-f', '${Version}', series.sourcePackage], { encoding: 'utf8' });
  const tools = [`${arch.crossCompile}gcc`, 'make', 'flex', 'bison', 'bc', 'patch', 'xz'];
  const missing = () => tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  const ready = () => version().status === 0 && version().stdout !== '' && missing().length === 0 && exists(series.tarball);
  if (!ready()) {
    const command = `bash scripts/install-kernel-build-deps.sh ${series.series}`;
    if (!install || process.getuid?.() !== 0) throw new KernelBuildInputError(`the ${series.sourcePackage} source or the build tools (${missing().join(', ') || 'none missing'}) are not installed: run ${command} as root`);
    run('bash', [INSTALL_SCRIPT, series.series]);
    if (!ready()) throw new KernelBuildInputError(`${command} did not leave ${series.tarball} and the build tools in place`);
  }
  return version().stdout.trim();
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function kbuildEnv(arch: BuildArch): NodeJS.ProcessEnv {
  return {
    ...process.env, ARCH: arch.kbuildArch, CROSS_COMPILE: arch.crossCompile,
    // The same inputs give the same image: no user, host or date in the version string.
    KBUILD_BUILD_USER: 'virtio-matrix', KBUILD_BUILD_HOST: 'virtio-matrix', KBUILD_BUILD_TIMESTAMP: 'virtio-matrix',
  };
}

function configure(tree: string, arch: BuildArch, state: TreeState, log: (line: string) => void): void {
  const fragment = readFragment(arch.arch);
  const key = `${arch.arch}:${fragment.sha256}`;
  if (state.configKey === key) return;
  log(`configuring: tinyconfig + kernels/config/common.config + ${arch.arch}.config`);
  const env = kbuildEnv(arch);
  run('make', ['tinyconfig'], { cwd: tree, env });
  run(join(tree, 'scripts', 'config'), ['--file', join(tree, '.config'), ...scriptsConfigArgs(fragment.settings)], { cwd: tree, env });
  run('make', ['olddefconfig'], { cwd: tree, env });
  const dropped = droppedSymbols(fragment.settings, readFileSync(join(tree, '.config'), 'utf8'));
  if (dropped.length) throw new KernelBuildInputError(`olddefconfig did not keep the fragment's ${dropped.join(', ')}`);
  state.configKey = key;
  writeTreeState(tree, state);
}

/** Run make in its own process group (killed with it on interrupt), counting Kbuild's steps. */
function make(tree: string, arch: BuildArch, jobs: number, logPath: string, expected: number | null, onProgress: NonNullable<BuildRequest['onProgress']>, log: (line: string) => void): Promise<number> {
  log(`make -j${jobs} ${arch.target} (ARCH=${arch.kbuildArch}${arch.crossCompile ? ` CROSS_COMPILE=${arch.crossCompile}` : ''}); log in ${logPath}`);
  const out = createWriteStream(logPath);
  const child = spawn('make', [`-j${jobs}`, arch.target], { cwd: tree, env: kbuildEnv(arch), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', kill);
  let steps = 0;
  let tail = '';
  const onData = (chunk: Buffer) => {
    out.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4000);
    for (const m of chunk.toString('utf8').matchAll(/^\s+([A-Z][A-Z0-9_]*)\s+(\S+)/gm)) {
      steps++;
      onProgress(steps, expected, `${m[1]} ${m[2]}`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      process.removeListener('exit', kill);
      out.end();
      if (code === 0) resolve(steps);
      else reject(new Error(`make ${arch.target} failed (exit ${code}); log in ${logPath}:\n${tail.split('\n').slice(-25).join('\n')}`));
    });
  });
}

function storeImage(id: string, inputs: BuildInputs, tree: string, arch: BuildArch, linuxVersion: string, logPath: string, seconds: number, cacheDir: string): BuiltKernel {
  const dir = imageDir(id, cacheDir);
  const staging = `${dir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  copyFileSync(join(tree, arch.image), join(staging, 'image'));
  copyFileSync(join(tree, '.config'), join(staging, 'config'));
  renameSync(logPath, join(staging, 'build.log'));
  const bytes = readFileSync(join(staging, 'image'));
  const kernel: BuiltKernel = {
    id, inputs, linuxVersion, image: join(dir, 'image'),
    imageSha256: createHash('sha256').update(bytes).digest('hex'), imageBytes: bytes.length,
    builtAt: new Date().toISOString(), buildSeconds: Math.round(seconds * 10) / 10,
  };
  writeFileSync(join(staging, 'meta.json'), JSON.stringify(kernel, null, 1) + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return kernel;
}
