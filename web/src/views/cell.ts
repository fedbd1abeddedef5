/**
 * `/runs/:id/cells/:position`: one cell's outcome and how it came about: the config bytes as the
 * device wrote them beside the values the driver decoded, the device status sequence, the
 * engine's trace, and the first kernel (and QEMU) where this combination got worse, with the
 * change responsible. A probe run's cell shows what the guest did beside what the engine
 * predicted, and the boot's console.
 */
import { html, nothing, render, type TemplateResult } from 'lit-html';
import { gql, getText } from '../api';
import { COMBINATION_FIELDS, describe, type Combination } from '../axes';
import { failure, loading } from '../parts/status';
import { drawTable } from '../parts/table';
import type { Place } from '../router';
import { LABEL, verdictClass, type Verdict } from '../verdicts';

interface ConfigRead { field: string; bytes: string; driverValue: number | string; deviceValue: number | string }
interface TraceStep { seq: number; phase: string; actor: string; action: string; detail: string }
interface Observation { verdict: Verdict; guestValue: number | null; negotiated: string[]; status: number }
interface Regression {
  axis: string;
  walked: string[];
  found: { before: string; at: string; beforeOutcome: { verdict: Verdict }; atOutcome: { verdict: Verdict }; responsible: { id: string; title: string; change: string }[] } | null;
}
interface CellData {
  position: number;
  verdict: Verdict;
  combination: Combination;
  outcome: {
    verdict: Verdict; offered: string[]; negotiated: string[]; clearedInValidate: string[]; validateReads: ConfigRead[]; probeReads: ConfigRead[];
    effective: Record<string, unknown>; deviceStatus: string[]; patches: string[]; reasons: string[]; trace: TraceStep[];
  };
  observed: Observation | null;
  predicted: Observation | null;
  agree: boolean | null;
  differences: string[];
  boot: { attempts: number; seconds: number; consolePath: string } | null;
}

const READ_FIELDS = 'field bytes driverValue deviceValue';
/** Trace actions that write or check the device status (the engine's simulator and transport name them so). */
const STATUS_ACTIONS = ['reset', 'add-status', 're-read status'];
const OBSERVATION_FIELDS = 'verdict guestValue negotiated status';

/** Bytes in offset order, as the driver read them from config space: "00001000" → "00 00 10 00". */
const spaced = (hex: string) => hex.match(/../g)?.join(' ') ?? hex;

function reads(caption: string, list: ConfigRead[]): TemplateResult {
  if (!list.length) return html`<p>${caption}: none.</p>`;
  return html`<table class="data reads"><caption>${caption}</caption>
    <thead><tr><th scope="col">Field</th><th scope="col">Bytes the device wrote (offset order)</th><th scope="col">Driver decoded</th><th scope="col">Device meant</th><th scope="col">Read</th></tr></thead>
    <tbody>${list.map((r) => {
      const ok = String(r.driverValue) === String(r.deviceValue);
      return html`<tr><th scope="row"><code>${r.field}</code></th><td><code>${spaced(r.bytes)}</code></td><td>${r.driverValue}</td><td>${r.deviceValue}</td>
        <td>${ok ? 'ok' : html`<strong class="misread">misread</strong>`}</td></tr>`;
    })}</tbody></table>`;
}

function regression(r: Regression, combination: Combination): TemplateResult {
  const what = r.axis === 'KERNEL' ? 'kernel' : 'QEMU release';
  if (!r.found) return html`<p>Walking ${r.walked.length} ${what}s (${r.walked[0]} … ${r.walked[r.walked.length - 1]}): the verdict never got worse.</p>`;
  const f = r.found;
  return html`<p>Walking ${what}s, this ${describe(combination, r.axis === 'KERNEL' ? 'KERNEL' : 'HYPERVISOR')} first got worse at
    <strong>${f.at}</strong>: <span class=${verdictClass(f.beforeOutcome.verdict)}>${LABEL[f.beforeOutcome.verdict]}</span> at ${f.before} →
    <span class=${verdictClass(f.atOutcome.verdict)}>${LABEL[f.atOutcome.verdict]}</span> at ${f.at}.</p>
    ${f.responsible.length ? html`<ul class="responsible">${f.responsible.map((c) => html`<li><code>${c.id}</code> ${c.title} <em>(${c.change})</em></li>`)}</ul>` : html`<p>No single change is named.</p>`}`;
}

function probeSide(o: Observation | null): TemplateResult | typeof nothing {
  if (!o) return nothing;
  return html`<span class=${verdictClass(o.verdict)}>${LABEL[o.verdict]}</span>`;
}

function probeSection(cell: CellData): TemplateResult | typeof nothing {
  if (!cell.observed && !cell.predicted) return nothing;
  const row = (label: string, f: (o: Observation) => unknown) => html`<tr><th scope="row">${label}</th>
    <td>${cell.observed ? f(cell.observed) : '—'}</td><td>${cell.predicted ? f(cell.predicted) : '—'}</td></tr>`;
  return html`<section aria-labelledby="probe-h"><h2 id="probe-h">Observed beside predicted</h2>
    <p>${cell.agree ? 'The guest and the engine agree bit for bit.' : html`<strong>They differ:</strong> ${cell.differences.join('; ')}`}</p>
    <table class="data"><caption>Real boot under QEMU (observed) and the engine (predicted)</caption>
      <thead><tr><th scope="col"></th><th scope="col">Observed</th><th scope="col">Predicted</th></tr></thead>
      <tbody>${row('Verdict', probeSide)}${row('Guest value', (o) => o.guestValue ?? '—')}${row('Device status', (o) => `0x${o.status.toString(16)}`)}
        ${row('Negotiated', (o) => o.negotiated.join(', '))}</tbody></table>
    ${cell.boot ? html`<h3>Boot console</h3><p>${cell.boot.attempts} attempt(s), ${cell.boot.seconds.toFixed(1)} s. <a href=${cell.boot.consolePath} target="_blank" rel="noopener">Open as text</a></p><pre class="console" tabindex="0" aria-label="boot console">Loading…</pre>` : nothing}
  </section>`;
}

export async function cellView(outlet: HTMLElement, place: Place): Promise<void> {
  const { id, position } = place.params;
  const crumbs = html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Runs</a> › <a href="/runs/${id}">Run #${id}</a> › Cell ${position}</nav>`;
  render(html`${crumbs}<h1>Cell ${position}</h1>${loading}`, outlet);
  let cell: CellData | null;
  let strategies: string[];
  try {
    if (!/^\d{1,15}$/.test(position)) throw new Error(`"${position}" is not a matrix position (a whole number)`);
    ({ cell, profiles: { strategies } } = await gql<{ cell: CellData | null; profiles: { strategies: string[] } }>(`query($id: ID!, $p: Count!) { profiles { strategies } cell(run: $id, position: $p) {
      position verdict combination { ${COMBINATION_FIELDS} }
      outcome { verdict offered negotiated clearedInValidate validateReads { ${READ_FIELDS} } probeReads { ${READ_FIELDS} } effective deviceStatus patches reasons
        trace { seq phase actor action detail } }
      observed { ${OBSERVATION_FIELDS} } predicted { ${OBSERVATION_FIELDS} } agree differences boot { attempts seconds consolePath } } }`,
    { id, p: Number(position) }));
  } catch (err) {
    render(html`${crumbs}<h1>Cell ${position}</h1>${failure(err)}`, outlet);
    return;
  }
  if (place.signal.aborted) return;
  if (!cell) {
    render(html`${crumbs}<h1>Cell ${position}</h1><p class="error" role="alert">Run #${id} has no evaluated cell at position ${position} (the combination cannot exist, or the run has not reached it).</p>`, outlet);
    return;
  }
  const c = cell;
  const o = c.outcome;
  render(html`${crumbs}
    <h1>Cell ${c.position}: <span class=${verdictClass(c.verdict)}>${LABEL[c.verdict]}</span></h1>
    <p class="combination">${describe(c.combination)}</p>
    ${o.verdict !== c.verdict && !c.observed ? html`<p class="note">Recomputed today the engine says ${LABEL[o.verdict]}: its profiles changed since the run.</p>` : nothing}
    <section aria-labelledby="why-h"><h2 id="why-h">Why</h2><ul>${o.reasons.map((r) => html`<li>${r}</li>`)}</ul>
      <p>Guest uses: ${Object.entries(o.effective).map(([k, v]) => `${k}=${String(v)}`).join(', ') || '—'}</p></section>
    ${probeSection(c)}
    <section aria-labelledby="bytes-h"><h2 id="bytes-h">Config space</h2>
      ${reads('Reads in validate(), before FEATURES_OK', o.validateReads)}
      ${reads('Reads in probe(), after FEATURES_OK', o.probeReads)}</section>
    <section aria-labelledby="status-h"><h2 id="status-h">Device status sequence</h2>
      <ol class="status-seq">${o.trace.filter((s) => STATUS_ACTIONS.includes(s.action)).map((s) => html`<li><span class="actor">${s.actor} ${s.action}:</span> <code>${s.detail}</code></li>`)}</ol>
      <p>Status bits at the end: ${o.deviceStatus.map((s) => html`<code>${s}</code> `)}</p></section>
    <section aria-labelledby="features-h"><h2 id="features-h">Features</h2>
      <p><strong>Negotiated:</strong> ${o.negotiated.join(', ') || '—'}</p>
      <p><strong>Cleared in validate():</strong> ${o.clearedInValidate.join(', ') || '—'}</p>
      <p><strong>Kernel patches in effect:</strong> ${o.patches.map((p) => html`<code>${p}</code> `)}</p></section>
    <section aria-labelledby="regress-h"><h2 id="regress-h">First regression</h2><div id="regression"></div></section>
    <section aria-labelledby="whatif-h"><h2 id="whatif-h">The same combination, otherwise</h2>
      <form class="filters" id="whatif" @submit=${(e: Event) => { e.preventDefault(); void whatIf(e.currentTarget as HTMLFormElement); }}>
        <label>Kernel <input name="kernel" value=${c.combination.kernel} size="10" required></label>
        <label>QEMU <input name="hypervisor" value=${c.combination.hypervisor} size="12" required></label>
        <label>Strategy <select name="strategy">${strategies.map((s) => html`<option ?selected=${s === c.combination.strategy}>${s}</option>`)}</select></label>
        <button type="submit">Evaluate</button>
      </form>
      <div id="whatif-result" aria-live="polite"></div></section>
    <section aria-labelledby="trace-h"><h2 id="trace-h">Trace</h2><div id="trace"></div></section>`, outlet);

  render(loading, outlet.querySelector<HTMLElement>('#regression')!);
  drawTable<TraceStep>(outlet.querySelector<HTMLElement>('#trace')!, {
    caption: 'Every step of the init sequence, driver and device',
    data: o.trace,
    columns: [
      { id: 'seq', header: '#', value: (s) => s.seq },
      { id: 'phase', header: 'Phase', value: (s) => s.phase },
      { id: 'actor', header: 'Actor', value: (s) => s.actor },
      { id: 'action', header: 'Action', value: (s) => s.action },
      { id: 'detail', header: 'Detail', value: (s) => s.detail },
    ],
  });

  /** evaluate() with the trace's length: what the engine says of this combination on another kernel, QEMU or strategy. */
  async function whatIf(form: HTMLFormElement): Promise<void> {
    const fd = new FormData(form);
    const input = { ...c.combination, kernel: String(fd.get('kernel')).trim(), hypervisor: String(fd.get('hypervisor')).trim(), strategy: String(fd.get('strategy')) };
    const host = outlet.querySelector<HTMLElement>('#whatif-result')!;
    render(loading, host);
    try {
      const { evaluate } = await gql<{ evaluate: { verdict: Verdict; reasons: string[]; validateReads: ConfigRead[]; trace: { seq: number }[] } }>(
        `query($input: CombinationInput!) { evaluate(input: $input) { verdict reasons validateReads { ${READ_FIELDS} } trace { seq } } }`, { input });
      render(html`<p>${describe(input)}: <span class=${verdictClass(evaluate.verdict)}>${LABEL[evaluate.verdict]}</span> (${evaluate.trace.length} trace steps)</p>
        <ul>${evaluate.reasons.map((r) => html`<li>${r}</li>`)}</ul>${reads('Reads in validate()', evaluate.validateReads)}`, host);
    } catch (err) {
      render(failure(err), host);
    }
  }

  const consoleHost = outlet.querySelector<HTMLElement>('pre.console');
  const work: Promise<void>[] = [];
  if (consoleHost && c.boot) {
    work.push(getText(c.boot.consolePath).then((text) => { consoleHost.textContent = text; }, (err: Error) => { consoleHost.textContent = `(${err.message})`; }));
  }
  work.push(gql<{ kernel: Regression; qemu: Regression }>(`query($cell: CombinationInput!) {
      kernel: firstRegression(cell: $cell, axis: KERNEL) { axis walked found { before at beforeOutcome { verdict } atOutcome { verdict } responsible { id title change } } }
      qemu: firstRegression(cell: $cell, axis: HYPERVISOR) { axis walked found { before at beforeOutcome { verdict } atOutcome { verdict } responsible { id title change } } } }`,
  { cell: c.combination }).then(
    (r) => void render(html`${regression(r.kernel, c.combination)}${regression(r.qemu, c.combination)}`, outlet.querySelector<HTMLElement>('#regression')!),
    (err) => void render(failure(err), outlet.querySelector<HTMLElement>('#regression')!),
  ));
  await Promise.all(work);
}
