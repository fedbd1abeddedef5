/**
 * One unpacked source tree per source version and arch, built in place and switched between
 * strategies by patching: the patches a previous build applied are reversed (newest first),
 * the requested ones applied, and make rebuilds only what they touched. The tree records what it
 * carries in `.virtio-matrix/state.json`, updated after every step, so an interrupted switch is
 * resumed from where it stopped instead of guessed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SourcePatch } from './patches';
import type { SourceSeries } from './targets';

export interface TreeState {
  /** Patch files in application order, with the text that was applied (kept for reversal). */
  applied: { file: string; sha256: string }[];
  /** Hash of the fragment and arch the .config was made from. */
  configKey: string | null;
  /** Kbuild steps of the first (full) build: the progress bar's total next time. */
  fullBuildSteps: number | null;
}

const stateDir = (tree: string) => join(tree, '.virtio-matrix');

export function readTreeState(tree: string): TreeState | null {
  const path = join(stateDir(tree), 'state.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as TreeState) : null;
}

export function writeTreeState(tree: string, state: TreeState): void {
  mkdirSync(stateDir(tree), { recursive: true });
  const path = join(stateDir(tree), 'state.json');
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 1));
  renameSync(`${path}.tmp`, path);
}

/** Unpack the series' tarball into `tree` unless a complete tree is already there. */
export function unpackTree(series: SourceSeries, tree: string, log: (line: string) => void): TreeState {
  const existing = readTreeState(tree);
  if (existing) return existing;
  log(`unpacking ${series.tarball}`);
  const staging = `${tree}.unpacking`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  run('tar', ['-xJf', series.tarball, '-C', staging]);
  renameSync(join(staging, series.topDir), tree);
  rmSync(staging, { recursive: true, force: true });
  const state: TreeState = { applied: [], configKey: null, fullBuildSteps: null };
  writeTreeState(tree, state);
  return state;
}

/** Bring the tree from the patches it carries to `wanted`, keeping a common prefix. */
export function switchPatches(tree: string, state: TreeState, wanted: readonly SourcePatch[], log: (line: string) => void): void {
  let keep = 0;
  while (keep < state.applied.length && keep < wanted.length && state.applied[keep].sha256 === wanted[keep].sha256) keep++;
  while (state.applied.length > keep) {
    const last = state.applied[state.applied.length - 1];
    log(`reversing ${last.file}`);
    patch(tree, appliedCopy(tree, last.sha256), true);
    state.applied.pop();
    writeTreeState(tree, state);
  }
  for (const p of wanted.slice(keep)) {
    log(`applying ${p.file}`);
    const copy = appliedCopy(tree, p.sha256);
    mkdirSync(dirname(copy), { recursive: true });
    writeFileSync(copy, p.text);
    patch(tree, copy, false);
    state.applied.push({ file: p.file, sha256: p.sha256 });
    writeTreeState(tree, state);
  }
}

function appliedCopy(tree: string, sha256: string): string {
  return join(stateDir(tree), 'applied', `${sha256}.patch`);
}

function patch(tree: string, file: string, reverse: boolean): void {
  const args = ['-p1', '--forward', '--no-backup-if-mismatch', '-s', '-d', tree, '-i', file];
  const r = spawnSync('patch', reverse ? ['-R', ...args.filter((a) => a !== '--forward')] : args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`patch ${reverse ? '-R ' : ''}${file} failed in ${tree} (delete the tree to start clean): ${(r.stdout + r.stderr).trim()}`);
  }
}

export function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().slice(-2000)}`);
  return r.stdout;
}
