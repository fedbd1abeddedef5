/**
 * Blobs in a directory, one file per sha256. A body is hashed while it is written to a temporary
 * file in the same directory and renamed into place only when complete and within the limit, so
 * an oversized or interrupted upload leaves nothing behind and readers never see half a file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { ArtifactTooLargeError } from './errors';
import type { BlobStore } from './types';

export class BlobDirectory implements BlobStore {
  constructor(readonly dir: string) {}

  async put(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<{ sha256: string; bytes: number }> {
    mkdirSync(this.dir, { recursive: true });
    const temp = join(this.dir, `.incoming-${randomUUID()}`);
    const out = createWriteStream(temp);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const chunk of body) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw new ArtifactTooLargeError(maxBytes);
        hash.update(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
    } catch (err) {
      // The stream opens (creates) the file asynchronously: remove it only once the stream is
      // closed, or a body refused before the open completes leaves the file behind.
      const closed = out.closed ? Promise.resolve() : once(out, 'close').then(() => undefined, () => undefined);
      out.destroy();
      await closed;
      rmSync(temp, { force: true });
      throw err;
    }
    const sha256 = hash.digest('hex');
    renameSync(temp, join(this.dir, sha256));
    return { sha256, bytes };
  }

  pathOf(sha256: string): string | null {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    const path = this.expectedPath(sha256);
    return existsSync(path) ? path : null;
  }

  expectedPath(sha256: string): string {
    return resolve(this.dir, sha256);
  }
}
