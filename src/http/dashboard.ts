/**
 * The dashboard: the bundle that `npm run build` makes of web/ (scripts/build-web.js) into
 * dist/web, served under /assets, and its index page at every dashboard URL so that links can be
 * shared and reloaded. It only reads, through /graphql and /api like any client. Without a built
 * bundle the pages answer 503 with the command that builds it, and the API works as before.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router } from 'express';
import { sendError } from './errors';

/** dist/web from both dist/http (the service) and src/http (tests run from source). */
export const DEFAULT_DASHBOARD_DIR = resolve(__dirname, '..', '..', 'dist', 'web');

/** The views' paths (web/src/main.ts routes them in the page). */
const PAGES = ['/', '/runs/:id', '/runs/:id/diff', '/runs/:id/cells/:position', '/compare'];

export function dashboardRoutes(dir: string = DEFAULT_DASHBOARD_DIR): Router {
  const router = Router();
  // Bundle file names are fixed (no content hash), so browsers revalidate rather than cache blindly.
  router.use('/assets', express.static(join(dir, 'assets'), { maxAge: 0 }));
  router.get(PAGES, (_req, res) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) return sendError(res, 503, 'DASHBOARD_NOT_BUILT', `no dashboard bundle at ${dir}: run npm run build`);
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return router;
}
