/**
 * `virtio-matrix gate`: wait for a run on a server, then pass or fail a CI job on it. Without a
 * baseline it fails on BROKEN and PROBE_FAILED cells, with one on regressions against it. Exit 0
 * pass, 1 fail, 2 usage or infrastructure error; one JSON summary line on stdout either way,
 * progress lines and errors on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

export const EXIT = { pass: 0, fail: 1, error: 2 } as const;

const seconds = (name: string, fallback: number) => z.string().optional()
  .transform((v, ctx) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      ctx.addIssue({ code: 'custom', message: `--${name} takes a number of seconds above 0, not "${v}"` });
      return z.NEVER;
    }
    return n;
  });

const optionsSchema = z.object({
  server: z.string({ error: '--server is required' }).transform((v, ctx) => {
    try {
      const url = new URL(v);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href.replace(/\/+$/, '');
    } catch { /* reported below */ }
    ctx.addIssue({ code: 'custom', message: `--server takes an http(s) URL such as http://127.0.0.1:4000, not "${v}"` });
    return z.NEVER;
  }),
  token: z.string().min(1, '--token is empty').optional(),
  run: z.string({ error: '--run is required' }).regex(/^[1-9][0-9]{0,15}$/, '--run takes a run id (decimal digits)'),
  baseline: z.string().regex(/^(last|[1-9][0-9]{0,15})$/, '--baseline takes a run id or "last"').optional(),
  junit: z.string().min(1, '--junit takes a file path').optional(),
  timeout: seconds('timeout', 3600),
  interval: seconds('interval', 2),
});

/** As commander hands them over: every value a string, any of them possibly missing. */
export type GateInput = Partial<Record<keyof z.input<typeof optionsSchema>, string>>;

/** Codes of its own (BAD_OPTION, UNREACHABLE, UNAUTHORIZED, TIMEOUT, RUN_FAILED, RUN_CANCELLED, ...) or the server's (NOT_FOUND, NO_BASELINE, NOTHING_SHARED, ...). */
class GateError extends Error {
  constructor(readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface GateIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

interface RunStatus {
  id: string;
  matrix: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  cellsDone: number;
  cellsTotal: number;
  summary: { total: number; ok: number; degraded: number; broken: number; probeFailed: number; skipped: number };
  error: string | null;
}

interface Failures {
  baseline: string | null;
  criterion: 'verdict' | 'regression';
  passed: boolean;
  judged: number;
  failing: number;
}

/** Network errors and 5xx answers are retried this many times in a row before the gate gives up. */
const ATTEMPTS = 3;
const REQUEST_TIMEOUT_MS = 30_000;

class Client {
  constructor(private readonly server: string, private readonly token: string | undefined, private readonly retryDelayMs: number) {}

  /** GET a path; 2xx → the response; 4xx → a GateError with the server's code; unreachable or 5xx → retried, then UNREACHABLE. */
  async get(path: string): Promise<globalThis.Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/xml' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let last = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      let res: globalThis.Response;
      try {
        res = await fetch(`${this.server}${path}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        last = cause?.code ?? cause?.message ?? (err as Error).message;
        if (attempt < ATTEMPTS) await sleep(this.retryDelayMs);
        continue;
      }
      if (res.ok) return res;
      const body = await res.text();
      let error: { code?: string; message?: string; field?: string } = {};
      try {
        error = (JSON.parse(body) as { error?: typeof error }).error ?? {};
      } catch { /* not ours: a proxy's page */ }
      if (res.status >= 500) {
        last = `HTTP ${res.status}${error.message ? `: ${error.message}` : ''}`;
        if (attempt < ATTEMPTS) await sleep(this.retryDelayMs);
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new GateError('UNAUTHORIZED', `${this.server} answered ${res.status} to GET ${path}${error.message ? `: ${error.message}` : ''}; check --token`);
      }
      throw new GateError(error.code ?? `HTTP_${res.status}`, error.message ?? `${this.server} answered ${res.status} to GET ${path}`, error.field ? { field: error.field } : {});
    }
    throw new GateError('UNREACHABLE', `cannot reach ${this.server} (GET ${path}, ${ATTEMPTS} attempts): ${last}`);
  }

  async json<T>(path: string): Promise<T> {
    const res = await this.get(path);
    try {
      return (await res.json()) as T;
    } catch {
      throw new GateError('BAD_RESPONSE', `GET ${path} did not answer JSON: is ${this.server} a virtio-matrix server?`);
    }
  }
}

function progressLine(run: RunStatus): string {
  const pct = run.cellsTotal === 0 ? 100 : Math.floor((run.cellsDone / run.cellsTotal) * 100);
  return `run ${run.id} (${run.matrix}): ${run.status}, ${run.cellsDone}/${run.cellsTotal} positions (${pct}%)`;
}

/** Runs the gate; resolves to the exit status (never throws). */
export async function gate(input: GateInput, io: GateIO): Promise<number> {
  const started = Date.now();
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return finish(io, EXIT.error, { result: 'error', run: input.run ?? null }, new GateError('BAD_OPTION', issue.message, { field: String(issue.path[0] ?? '') }));
  }
  const opts = parsed.data;
  const client = new Client(opts.server, opts.token, Math.min(opts.interval, 5) * 1000);
  const url = `${opts.server}/api/runs/${opts.run}`;
  const base = { run: opts.run, url };
  try {
    const deadline = started + opts.timeout * 1000;
    let run: RunStatus;
    let said = '';
    for (;;) {
      run = await client.json<RunStatus>(`/api/runs/${opts.run}`);
      const line = progressLine(run);
      if (line !== said) io.stderr(line);
      said = line;
      if (run.status === 'succeeded') break;
      if (run.status === 'failed') throw new GateError('RUN_FAILED', `run ${run.id} failed${run.error ? `: ${run.error}` : ''}`);
      if (run.status === 'cancelled') throw new GateError('RUN_CANCELLED', `run ${run.id} was cancelled`);
      if (Date.now() + opts.interval * 1000 > deadline) {
        throw new GateError('TIMEOUT', `run ${run.id} still ${run.status} after ${opts.timeout} s (${run.cellsDone}/${run.cellsTotal} positions); raise --timeout`);
      }
      await sleep(opts.interval * 1000);
    }

    const q = opts.baseline ? `?baseline=${opts.baseline}` : '';
    const failures = await client.json<Failures>(`/api/runs/${opts.run}/failures${q}${q ? '&' : '?'}limit=0`);
    if (opts.junit) {
      // The baseline `last` resolved to, so the report and the verdict compare the same two runs.
      const xml = await (await client.get(`/api/runs/${opts.run}/junit.xml${failures.baseline ? `?baseline=${failures.baseline}` : ''}`)).text();
      try {
        mkdirSync(dirname(opts.junit), { recursive: true });
        writeFileSync(opts.junit, xml);
      } catch (err) {
        throw new GateError('JUNIT_WRITE_FAILED', `cannot write ${opts.junit}: ${(err as Error).message}`, { field: 'junit' });
      }
    }
    const passed = failures.failing === 0;
    const what = failures.criterion === 'regression' ? `regressions against run ${failures.baseline}` : 'BROKEN or PROBE_FAILED cells';
    io.stderr(`run ${run.id} (${run.matrix}): ${failures.failing} ${what} among ${failures.judged} cells judged: ${passed ? 'pass' : 'fail'}`);
    return finish(io, passed ? EXIT.pass : EXIT.fail, {
      result: passed ? 'pass' : 'fail', ...base, matrix: run.matrix, status: run.status, baseline: failures.baseline, criterion: failures.criterion,
      judged: failures.judged, failing: failures.failing, summary: run.summary, junit: opts.junit ?? null, seconds: Number(((Date.now() - started) / 1000).toFixed(2)),
    });
  } catch (err) {
    const e = err instanceof GateError ? err : new GateError('INTERNAL', (err as Error).message);
    return finish(io, EXIT.error, { result: 'error', ...base }, e);
  }
}

function finish(io: GateIO, status: number, summary: Record<string, unknown>, error?: GateError): number {
  if (error) {
    const body = { code: error.code, message: error.message, ...error.details };
    io.stderr(JSON.stringify({ error: body }));
    summary = { ...summary, error: body };
  }
  io.stdout(JSON.stringify(summary));
  return status;
}
