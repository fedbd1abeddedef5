/**
 * A strategy as source patches: the engine says which patch ids a strategy reverts or applies
 * relative to the release (`sourceChanges`); `kernels/patches/<series>/` holds one file per id,
 * `ID.patch` to apply it, `revert-ID.patch` to undo it. Each file cites its commit in a header.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKernelVersion, sourceChanges, STRATEGIES } from '../engine';
import type { StrategyName } from '../engine/profiles/types';
import { KERNELS_DIR, KernelBuildInputError } from './targets';

export interface SourcePatch {
  /** File name in kernels/patches/<series>/. */
  file: string;
  /** The engine's patch id it realises, and whether it applies or undoes it. */
  patchId: string;
  direction: 'apply' | 'revert';
  text: string;
  sha256: string;
  /** Files the patch touches (its `+++ b/` lines). */
  touches: string[];
}

export function strategyOf(name: string): StrategyName {
  if (!(STRATEGIES as readonly string[]).includes(name)) throw new KernelBuildInputError(`strategy ${name} is unknown; one of ${STRATEGIES.join(', ')}`);
  return name as StrategyName;
}

export function patchDir(series: string): string {
  return join(KERNELS_DIR, 'patches', series);
}

/** The patch series that turns `linuxVersion`'s released source into `strategy`, in application order. */
export function patchSeries(series: string, linuxVersion: string, strategy: StrategyName): SourcePatch[] {
  const version = parseKernelVersion(linuxVersion);
  if (!version) throw new KernelBuildInputError(`source version ${linuxVersion} is not a Linux version`);
  const { revert, apply } = sourceChanges(version, strategy);
  const wanted = [
    ...revert.map((patchId) => ({ patchId, direction: 'revert' as const, file: `revert-${patchId}.patch` })),
    ...apply.map((patchId) => ({ patchId, direction: 'apply' as const, file: `${patchId}.patch` })),
  ];
  return wanted.map((w) => {
    const path = join(patchDir(series), w.file);
    if (!existsSync(path)) {
      throw new KernelBuildInputError(`strategy ${strategy} on ${linuxVersion} needs ${w.direction === 'apply' ? 'to apply' : 'to revert'} ${w.patchId}, but kernels/patches/${series}/${w.file} does not exist`);
    }
    const text = readFileSync(path, 'utf8');
    return { ...w, text, sha256: createHash('sha256').update(text).digest('hex'), touches: touchedFiles(text) };
  });
}

export function touchedFiles(patchText: string): string[] {
  return [...new Set([...patchText.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1]))];
}
