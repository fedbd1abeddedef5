/**
 * Register a kernel image: validate what it declares, store the bytes under their sha256 (within
 * the size limit), record the declaration. The same bytes with the same declaration give the same
 * artifact again; with another declaration they are refused.
 */
import { z } from 'zod';
import { ARCH_NAMES, STRATEGIES, parseKernelVersion } from '../engine';
import { BadInputError } from '../runs/errors';
import { wholeNumberSetting } from '../settings';
import { ArtifactConflictError } from './errors';
import type { ArtifactStore, BlobStore, KernelArtifact, KernelDeclaration } from './types';

/** Default ARTIFACT_MAX_BYTES: a distribution kernel is 10-60 MiB, the probes' tinyconfig builds 1.5-5. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

/** ARTIFACT_MAX_BYTES, or the default; a value that is not a positive whole number is a BadInputError naming it. */
export function maxArtifactBytes(env: NodeJS.ProcessEnv = process.env): number {
  return wholeNumberSetting(env, 'ARTIFACT_MAX_BYTES', {
    fallback: DEFAULT_MAX_ARTIFACT_BYTES, min: 1, max: Number.MAX_SAFE_INTEGER, range: 'a whole number of bytes from 1 to 2^53 - 1',
  });
}

export interface ArtifactDeps {
  artifacts: ArtifactStore;
  blobs: BlobStore;
  maxBytes: number;
}

const declarationSchema = z.object({
  arch: z.enum(ARCH_NAMES as [string, ...string[]], { error: `expected one of ${ARCH_NAMES.join(', ')}` }),
  linux: z.string({ error: 'expected a Linux version such as 6.1 or 6.1.192' }).refine((v) => parseKernelVersion(v) !== undefined, { error: 'expected a Linux version such as 6.1 or 6.1.192' }),
  strategy: z.enum(STRATEGIES as [string, ...string[]], { error: `expected one of ${STRATEGIES.join(', ')}` }).nullable().default(null),
});

/** What a CLI or HTTP caller declares, checked before any byte is read. */
export function parseDeclaration(input: { arch?: unknown; linux?: unknown; strategy?: unknown }): KernelDeclaration {
  const parsed = declarationSchema.safeParse({ ...input, strategy: input.strategy ?? null });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInputError(String(issue.path[0] ?? 'kernel'), issue.message);
  }
  // Registered as the engine spells it: "6.1.192", never " 6.1.192".
  return { ...parsed.data, linux: parseKernelVersion(parsed.data.linux)!.text };
}

function describe(d: KernelDeclaration): string {
  return `${d.arch} Linux ${d.linux} ${d.strategy ?? 'as-shipped'}`;
}

export async function registerKernel(deps: ArtifactDeps, body: AsyncIterable<Uint8Array>, declared: KernelDeclaration): Promise<{ artifact: KernelArtifact; created: boolean }> {
  const { sha256, bytes } = await deps.blobs.put(body, deps.maxBytes);
  const existing = await deps.artifacts.getKernel(sha256);
  if (existing) {
    if (describe(existing) !== describe(declared)) throw new ArtifactConflictError(sha256, describe(existing));
    return { artifact: existing, created: false };
  }
  return { artifact: await deps.artifacts.putKernel({ id: sha256, bytes, ...declared }), created: true };
}
