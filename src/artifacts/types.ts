/**
 * Kernel artifacts: guest kernel images handed in for probe runs, addressed by the sha256 of
 * their bytes. The use cases depend on these ports; db/ keeps the metadata, a directory the bytes.
 */

/** What an artifact declares about itself; the probe predicts with these. */
export interface KernelDeclaration {
  /** The engine's arch name (s390x, x86_64, ...). */
  arch: string;
  /** The Linux version it is based on, as the engine spells it: 6.1.192. */
  linux: string;
  /** The strategy it corresponds to; null means the kernel as released (as-shipped). */
  strategy: string | null;
}

export interface KernelArtifact extends KernelDeclaration {
  /** sha256 of the image, 64 hex digits. */
  id: string;
  bytes: number;
  createdAt: Date;
}

export interface ArtifactStore {
  getKernel(id: string): Promise<KernelArtifact | null>;
  listKernels(): Promise<KernelArtifact[]>;
  /** Inserts unless a record with this id exists; returns what is stored either way. */
  putKernel(artifact: Omit<KernelArtifact, 'createdAt'>): Promise<KernelArtifact>;
}

/** Bytes by sha256. `put` streams into a temporary file and keeps it only when it fits. */
export interface BlobStore {
  put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<{ sha256: string; bytes: number }>;
  /** Path of a stored blob on this machine (QEMU boots files), or null. */
  pathOf(sha256: string): string | null;
  /** Where the blob is or would be on this machine, for messages when it is not there. */
  expectedPath(sha256: string): string;
}
