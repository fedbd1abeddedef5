/** A run's header: matrix, status, progress, and the verdict counts as a list and a stacked bar. */
import { html, type TemplateResult } from 'lit-html';
import { COUNT_KEYS, LABEL, VERDICTS, count, verdictClass, type VerdictCounts } from '../verdicts';

export interface RunSummary {
  id: string;
  kind: 'ENGINE' | 'PROBE';
  status: string;
  progress: number;
  trigger: string;
  error: string | null;
  profilesCurrent: boolean;
  kernel: { id: string; arch: string; linux: string; strategy: string | null } | null;
  summary: VerdictCounts & { total: number; skipped: number; disagreements: number | null; infrastructureFailures: number; guestFailures: number };
}

export const RUN_SUMMARY_FIELDS = `id kind status progress trigger error profilesCurrent kernel { id arch linux strategy }
  summary { total ok degraded broken probeFailed skipped disagreements infrastructureFailures guestFailures }`;

export function summaryList(run: RunSummary): TemplateResult {
  const s = run.summary;
  return html`<dl class="counts">
    <div><dt>Status</dt><dd class="status status-${run.status.toLowerCase()}">${run.status.toLowerCase()}${run.status === 'RUNNING' ? ` (${Math.floor(run.progress * 100)}%)` : ''}</dd></div>
    ${VERDICTS.map((v, i) => html`<div><dt><span class=${verdictClass(v)}>${LABEL[v]}</span></dt><dd data-verdict=${v}>${count(s[COUNT_KEYS[i] as keyof VerdictCounts])}</dd></div>`)}
    <div><dt>Skipped</dt><dd>${count(s.skipped)}</dd></div>
    ${run.kind === 'PROBE' ? html`
      <div><dt>Disagreements with the engine</dt><dd>${count(s.disagreements ?? 0)}</dd></div>
      <div><dt>Infrastructure failures</dt><dd>${s.infrastructureFailures}</dd></div>
      <div><dt>Guest failures</dt><dd>${s.guestFailures}</dd></div>` : ''}
  </dl>
  ${run.kind === 'PROBE' && run.kernel ? html`<p>Probe run: real boots of ${run.kernel.arch} Linux ${run.kernel.linux} (${run.kernel.strategy ?? 'as-shipped'}), kernel <code>${run.kernel.id.slice(0, 12)}</code>; cells show observed beside predicted.</p>` : ''}
  ${run.profilesCurrent ? '' : html`<p class="note">The engine's profiles changed since this run: recomputed outcomes and traces may differ from the stored verdicts.</p>`}
  ${run.error ? html`<p class="error">${run.error}</p>` : ''}`;
}
