/**
 * Kernel artifacts over HTTP: `PUT /api/artifacts?arch=s390x&linux=6.1.192[&strategy=pre-fix]`
 * with the image as the body (streamed to disk while hashed, refused past ARTIFACT_MAX_BYTES with
 * nothing stored), and `GET /api/artifacts`. Errors are typed JSON as everywhere else.
 */
import { Router, type Request, type Response } from 'express';
import { ArtifactConflictError, ArtifactTooLargeError } from '../artifacts/errors';
import { parseDeclaration, registerKernel, type ArtifactDeps } from '../artifacts/register';
import type { KernelArtifact } from '../artifacts/types';
import { BadInputError } from '../runs/errors';
import { sendError } from './errors';

export function artifactJson(a: KernelArtifact) {
  return { id: a.id, arch: a.arch, linux: a.linux, strategy: a.strategy, bytes: a.bytes, createdAt: a.createdAt.toISOString() };
}

export function artifactRoutes(deps: ArtifactDeps): Router {
  const router = Router();

  router.put('/api/artifacts', async (req: Request, res: Response) => {
    const tooLarge = () => {
      res.setHeader('connection', 'close'); // the rest of the body is not read
      sendError(res, 413, 'PAYLOAD_TOO_LARGE', `kernel images are limited to ${deps.maxBytes} bytes (ARTIFACT_MAX_BYTES)`);
    };
    try {
      const declared = parseDeclaration({ arch: req.query.arch, linux: req.query.linux, strategy: req.query.strategy });
      if (Number(req.header('content-length') ?? 0) > deps.maxBytes) return tooLarge();
      const { artifact, created } = await registerKernel(deps, req, declared);
      res.status(created ? 201 : 200).json(artifactJson(artifact));
    } catch (err) {
      if (err instanceof BadInputError) return sendError(res, 400, 'BAD_USER_INPUT', err.message, { field: err.field });
      if (err instanceof ArtifactTooLargeError) return tooLarge();
      if (err instanceof ArtifactConflictError) return sendError(res, 409, 'CONFLICT', err.message, { id: err.id });
      throw err;
    }
  });

  router.get('/api/artifacts', async (_req: Request, res: Response) => {
    res.json((await deps.artifacts.listKernels()).map(artifactJson));
  });

  return router;
}
