/** The service's APIs as the page uses them: GraphQL for everything it shows, REST for boot logs and run status. */
import { currentToken } from './token';

/** An API refusal with the service's code (UNAUTHENTICATED, NOT_FOUND, BAD_USER_INPUT, …). */
export class ApiError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** How often a view asks again while a run goes on. */
export const POLL_MS = 2000;

function headers(): Record<string, string> {
  const token = currentToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

interface GqlReply<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers() },
    body: JSON.stringify({ query, variables }),
  });
  const reply = (await res.json()) as GqlReply<T>;
  if (reply.errors?.length) {
    const first = reply.errors[0];
    throw new ApiError(reply.errors.map((e) => e.message).join('; '), first.extensions?.code ?? `HTTP_${res.status}`);
  }
  return reply.data as T;
}

async function get(path: string): Promise<Response> {
  const res = await fetch(path, { headers: headers() });
  if (res.ok) return res;
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  throw new ApiError(body?.error?.message ?? `HTTP ${res.status}`, body?.error?.code ?? `HTTP_${res.status}`);
}

/** GET a text resource under /api (a boot console); errors come back as the service's JSON. */
export async function getText(path: string): Promise<string> {
  return (await get(path)).text();
}

/** A run's status as CI reads it (GET /api/runs/:id): cheap to poll, no grid is read. */
export interface RunStatus {
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  finished: boolean;
  progress: number;
  cellsDone: number;
  cellsTotal: number;
}

export async function runStatus(id: string): Promise<RunStatus> {
  return (await get(`/api/runs/${encodeURIComponent(id)}`)).json() as Promise<RunStatus>;
}
