/**
 * API tokens: `vmx_` and 32 random bytes (base64url). Only the sha256 of a token is stored; a
 * token of 256 random bits needs no salt or slow hash (nothing to guess from its hash), and the
 * stored hash is compared in constant time once the row is found by it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'vmx_';

/** Ordered: each scope may do what the ones before it may. */
export const SCOPES = ['read', 'run', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function scopeAllows(held: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(held) >= SCOPES.indexOf(needed);
}

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Hex sha256 of the token as sent. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A token as stored and listed: never the secret. */
export interface TokenRecord {
  id: string;
  name: string;
  scope: Scope;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The port db/ implements. */
export interface TokenStore {
  /** Throws TokenNameTakenError when the name is in use. */
  create(token: { name: string; scope: Scope; hash: string }): Promise<TokenRecord>;
  list(): Promise<TokenRecord[]>;
  findByHash(hash: string): Promise<(TokenRecord & { hash: string }) | null>;
  /** By name, else by id; the revoked token, or null when none matched. */
  revoke(nameOrId: string): Promise<TokenRecord | null>;
  touch(id: string, at: Date): Promise<void>;
  count(): Promise<number>;
}

export class TokenNameTakenError extends Error {
  readonly code = 'CONFLICT';
  constructor(readonly tokenName: string) {
    super(`a token named "${tokenName}" exists: pick another name, or revoke it first (token revoke ${tokenName})`);
  }
}
