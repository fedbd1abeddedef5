/**
 * Outgoing notifications when a run ends: a POST to NOTIFY_URL signed per Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`, secret `whsec_…`), retried with
 * backoff, never holding the run up: delivery happens beside the queue, after the run is stored.
 */
import { Webhook } from 'standardwebhooks';
import type { RunProgress, RunQueue, RunRecord } from '../runs/types';

export interface NotifyOptions {
  url: string;
  /** `whsec_` followed by base64, as Standard Webhooks libraries expect. */
  secret: string;
  /** Tries per notification (default 5), waiting baseDelayMs, 2x, 4x… between them. */
  attempts?: number;
  baseDelayMs?: number;
  /** Seconds before a delivery attempt is abandoned (default 10). */
  timeoutSeconds?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

/** The events a receiver can get: one per run, when it ends. */
export type RunEventType = 'run.succeeded' | 'run.failed' | 'run.cancelled';

const ENDED: Partial<Record<RunProgress['status'], RunEventType>> = { succeeded: 'run.succeeded', failed: 'run.failed', cancelled: 'run.cancelled' };

/** NOTIFY_URL and NOTIFY_SECRET, both or neither; a secret that Standard Webhooks cannot use is a configuration error. */
export function notifyFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<NotifyOptions, 'url' | 'secret'> | null {
  if (!env.NOTIFY_URL && !env.NOTIFY_SECRET) return null;
  if (!env.NOTIFY_URL || !env.NOTIFY_SECRET) throw new Error('set both NOTIFY_URL and NOTIFY_SECRET (whsec_…), or neither');
  if (!/^https?:\/\//.test(env.NOTIFY_URL)) throw new Error(`NOTIFY_URL must be an http(s) URL, got ${JSON.stringify(env.NOTIFY_URL)}`);
  new Webhook(env.NOTIFY_SECRET); // throws on a secret that is not whsec_<base64>
  return { url: env.NOTIFY_URL, secret: env.NOTIFY_SECRET };
}

export class RunNotifier {
  private readonly webhook: Webhook;
  private readonly sent = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly getRun: (id: string) => Promise<RunRecord | null>,
    private readonly options: NotifyOptions,
  ) {
    this.webhook = new Webhook(options.secret);
  }

  /** Notify for every run this queue sees end. */
  watch(queue: RunQueue): void {
    queue.onProgress((p) => {
      const type = ENDED[p.status];
      if (type) this.track(this.notify(p.runId, type));
    });
  }

  /** Deliveries still being tried (tests and shutdown wait for them). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** One event per run and type, even when a queue reports the end twice (resume, polling). */
  private async notify(runId: string, type: RunEventType): Promise<void> {
    const id = `run-${runId}-${type.slice(4)}`;
    if (this.sent.has(id)) return;
    this.sent.add(id);
    const run = await this.getRun(runId).catch(() => null);
    const payload = JSON.stringify({ type, timestamp: new Date().toISOString(), data: run ? runData(run) : { id: runId } });
    const attempts = this.options.attempts ?? 5;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const result = await this.deliver(id, payload);
      if (result === null) {
        this.options.log?.('notification delivered', { id, url: this.options.url, attempt });
        return;
      }
      this.options.log?.('notification not delivered', { id, url: this.options.url, attempt, reason: result });
      if (attempt < attempts) await sleep((this.options.baseDelayMs ?? 1000) * 2 ** (attempt - 1));
    }
  }

  /** Null when the receiver answered 2xx; otherwise why not. */
  private async deliver(id: string, payload: string): Promise<string | null> {
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': this.webhook.sign(id, now, payload),
    };
    try {
      const res = await fetch(this.options.url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout((this.options.timeoutSeconds ?? 10) * 1000) });
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      return (err as Error).message;
    }
  }
}

function runData(run: RunRecord) {
  return {
    id: run.id, kind: run.kind, matrix: run.matrixName, status: run.status, error: run.error,
    summary: { total: run.cellsTotal, ok: run.ok, degraded: run.degraded, broken: run.broken, probeFailed: run.probeFailed, skipped: run.skipped },
    links: { run: `/api/runs/${run.id}`, junit: `/api/runs/${run.id}/junit.xml` },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
