/**
 * `artifact add FILE --arch --linux [--strategy]` and `artifact list`: kernel images for probe
 * runs, in the store's artifact directory (ARTIFACT_DIR, else artifacts/ beside the SQLite file).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { BlobDirectory } from '../artifacts/blob-dir';
import { ArtifactConflictError, ArtifactTooLargeError } from '../artifacts/errors';
import { maxArtifactBytes, parseDeclaration, registerKernel, type ArtifactDeps } from '../artifacts/register';
import type { KernelArtifact } from '../artifacts/types';
import { artifactDir } from '../db/artifacts';
import { storesOf } from '../composition';
import { openDatabase, type Database } from '../db/database';
import { databaseUrl } from '../db/url';
import { artifactJson } from '../http/artifacts';
import { BadInputError } from '../runs/errors';
import { CliError, cliErrorOf } from './input';

export interface KernelOptions {
  arch?: string;
  linux?: string;
  strategy?: string;
}

export function artifactDeps(db: Database): ArtifactDeps {
  return { artifacts: storesOf(db).artifacts, blobs: new BlobDirectory(artifactDir(db.url)), maxBytes: artifactLimit() };
}

/** ARTIFACT_MAX_BYTES, as a usage error when it is not a positive whole number. */
function artifactLimit(): number {
  try {
    return maxArtifactBytes();
  } catch (err) {
    throw cliErrorOf(err);
  }
}

/** Register a file, with the artifact errors as CLI errors. */
export async function addKernelFile(deps: ArtifactDeps, file: string, opts: KernelOptions): Promise<{ artifact: KernelArtifact; created: boolean }> {
  try {
    const declared = parseDeclaration(opts);
    if (!existsSync(file) || !statSync(file).isFile()) throw new CliError('INPUT_NOT_FOUND', `no kernel image at ${file}`);
    return await registerKernel(deps, createReadStream(file), declared);
  } catch (err) {
    if (err instanceof BadInputError) throw new CliError('INVALID_ARTIFACT', err.message, { field: err.field });
    if (err instanceof ArtifactTooLargeError) throw new CliError('PAYLOAD_TOO_LARGE', err.message);
    if (err instanceof ArtifactConflictError) throw new CliError('CONFLICT', err.message, { id: err.id });
    throw err;
  }
}

/**
 * `run --kernel`: a file is registered first (it needs --arch and --linux); otherwise the value is
 * an artifact id, and --arch/--linux/--strategy, when given, must match what it declares.
 */
export async function resolveKernel(deps: ArtifactDeps, kernel: string, opts: KernelOptions): Promise<KernelArtifact> {
  if (existsSync(kernel)) return (await addKernelFile(deps, kernel, opts)).artifact;
  const found = await deps.artifacts.getKernel(kernel);
  if (!found) throw new CliError('NOT_FOUND', `--kernel ${kernel} is neither a file nor a registered artifact id (virtio-matrix artifact list)`, { field: 'kernel' });
  for (const [field, value] of [['arch', found.arch], ['linux', found.linux], ['strategy', found.strategy ?? 'as-shipped']] as const) {
    const given = opts[field];
    if (given !== undefined && given !== value) throw new CliError('CONFLICT', `artifact ${found.id} declares ${field} ${value}, not ${given}`, { field });
  }
  return found;
}

export async function artifactAdd(file: string, opts: KernelOptions & { db?: string }): Promise<void> {
  const db = await openDatabase(databaseUrl(opts.db));
  try {
    const { artifact, created } = await addKernelFile(artifactDeps(db), file, opts);
    process.stdout.write(JSON.stringify({ ...artifactJson(artifact), created }) + '\n');
  } finally {
    await db.close();
  }
}

export async function artifactList(opts: { db?: string }): Promise<void> {
  const db = await openDatabase(databaseUrl(opts.db));
  try {
    process.stdout.write(JSON.stringify((await artifactDeps(db).artifacts.listKernels()).map(artifactJson), null, 2) + '\n');
  } finally {
    await db.close();
  }
}
