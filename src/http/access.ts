/**
 * Access over plain HTTP under /api: GET and HEAD need the policy's read scope (open by default),
 * every other method its write scope. Refusals are JSON errors, 401 or 403. Webhooks are not
 * under /api and keep their own secrets.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { identify } from '../auth/caller';
import { authorize, type AccessPolicy } from '../auth/policy';
import type { TokenStore } from '../auth/tokens';
import { sendError } from './errors';

export function apiAccess(tokens: TokenStore, access: AccessPolicy): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const reading = req.method === 'GET' || req.method === 'HEAD';
      const caller = await identify(tokens, req.header('authorization'));
      const problem = authorize(caller, reading ? access.reads : access.writes, `${req.method} ${req.baseUrl}${req.path}`);
      if (!problem) return next();
      // An upload refused before it is read: do not keep the connection for the rest of the body.
      if (!reading) res.setHeader('connection', 'close');
      return sendError(res, problem.status, problem.code, problem.message);
    } catch (err) {
      return next(err);
    }
  };
}
