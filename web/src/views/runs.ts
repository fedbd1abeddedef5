/** `/`: every run with its status, live progress while it runs (polled), and verdict summary; the matrices. */
import { html, render } from 'lit-html';
import { POLL_MS, gql } from '../api';
import type { Place } from '../router';
import { verdictBars } from '../parts/charts';
import { failure, loading } from '../parts/status';
import { drawTable } from '../parts/table';
import { count, type VerdictCounts } from '../verdicts';

interface RunRow {
  id: string;
  kind: 'ENGINE' | 'PROBE';
  status: string;
  progress: number;
  cellsTotal: number;
  summary: VerdictCounts & { skipped: number; total: number };
  matrix: { name: string };
  trigger: string;
  createdAt: string;
}

interface MatrixRow {
  name: string;
  description: string | null;
  positions: number;
  createdAt: string;
  runs: { totalCount: number; edges: { node: { id: string; status: string } }[] };
}

const QUERY = `{
  runs(first: 50) { totalCount edges { node { id kind status progress cellsTotal trigger createdAt matrix { name }
    summary { total ok degraded broken probeFailed skipped } } } }
  matrices(first: 50) { totalCount edges { node { name description positions createdAt runs(first: 1) { totalCount edges { node { id status } } } } } }
}`;

const unfinished = (r: RunRow) => r.status === 'QUEUED' || r.status === 'RUNNING';

function progress(r: RunRow) {
  const pct = Math.floor(r.progress * 100);
  return html`<progress max="100" value=${pct} aria-label="run ${r.id} progress"></progress> <span class="pct">${pct}%</span>`;
}

export async function runsView(outlet: HTMLElement, place: Place): Promise<void> {
  render(html`<h1>Runs</h1>${loading}`, outlet);
  let firstDraw = true;
  for (;;) {
    let data: { runs: { totalCount: number; edges: { node: RunRow }[] }; matrices: { totalCount: number; edges: { node: MatrixRow }[] } };
    try {
      data = await gql(QUERY);
    } catch (err) {
      if (!place.signal.aborted) render(html`<h1>Runs</h1>${failure(err)}`, outlet);
      return;
    }
    if (place.signal.aborted) return;
    const runs = data.runs.edges.map((e) => e.node);
    const matrices = data.matrices.edges.map((e) => e.node);
    const live = runs.some(unfinished);
    if (firstDraw) {
      render(html`
        <h1>Runs</h1>
        <p class="live" role="status">${live ? 'Runs in progress: this page refreshes every 2 seconds.' : ''}</p>
        <section aria-labelledby="runs-h"><h2 id="runs-h">Runs (${data.runs.totalCount})</h2><div id="runs-table"></div></section>
        <section aria-labelledby="chart-h"><h2 id="chart-h">Verdicts per finished run</h2><div id="runs-chart" class="chart"></div></section>
        <section aria-labelledby="matrices-h"><h2 id="matrices-h">Matrices (${data.matrices.totalCount})</h2><div id="matrices-table"></div></section>`, outlet);
      firstDraw = false;
    }
    outlet.querySelector('.live')!.textContent = live ? 'Runs in progress: this page refreshes every 2 seconds.' : '';
    drawTable<RunRow>(outlet.querySelector('#runs-table')!, {
      caption: 'Runs, newest first; open one for its heatmap',
      data: runs,
      sortable: true,
      empty: 'No runs yet. Start one with a run token: mutation { startRun(matrix: "be-config-2021") { id } }',
      columns: [
        { id: 'id', header: 'Run', value: (r) => Number(r.id), show: (r) => html`<a href="/runs/${r.id}">#${r.id}</a>` },
        { id: 'matrix', header: 'Matrix', value: (r) => r.matrix.name },
        { id: 'kind', header: 'Kind', value: (r) => r.kind.toLowerCase() },
        { id: 'status', header: 'Status', value: (r) => r.status.toLowerCase(), show: (r) => html`<span class="status status-${r.status.toLowerCase()}">${r.status.toLowerCase()}</span>` },
        { id: 'progress', header: 'Progress', value: (r) => r.progress, show: progress },
        { id: 'ok', header: 'OK', value: (r) => r.summary.ok, show: (r) => count(r.summary.ok) },
        { id: 'degraded', header: 'Degraded', value: (r) => r.summary.degraded, show: (r) => count(r.summary.degraded) },
        { id: 'broken', header: 'Broken', value: (r) => r.summary.broken, show: (r) => count(r.summary.broken) },
        { id: 'probeFailed', header: 'Probe failed', value: (r) => r.summary.probeFailed, show: (r) => count(r.summary.probeFailed) },
        { id: 'skipped', header: 'Skipped', value: (r) => r.summary.skipped, show: (r) => count(r.summary.skipped) },
        { id: 'trigger', header: 'Trigger', value: (r) => r.trigger },
        { id: 'created', header: 'Created', value: (r) => r.createdAt, show: (r) => new Date(r.createdAt).toISOString().slice(0, 19).replace('T', ' ') },
      ],
    });
    const finished = runs.filter((r) => r.status === 'SUCCEEDED').slice(0, 12);
    verdictBars(outlet.querySelector('#runs-chart')!, 'Verdict counts of the latest finished runs', finished.map((r) => ({ name: `#${r.id} ${r.matrix.name}`, counts: r.summary })));
    drawTable<MatrixRow>(outlet.querySelector('#matrices-table')!, {
      caption: 'Matrices',
      data: matrices,
      sortable: true,
      columns: [
        { id: 'name', header: 'Matrix', value: (m) => m.name },
        { id: 'description', header: 'Description', value: (m) => m.description ?? '' },
        { id: 'positions', header: 'Positions', value: (m) => m.positions, show: (m) => count(m.positions) },
        { id: 'runs', header: 'Runs', value: (m) => m.runs.totalCount },
        { id: 'latest', header: 'Latest run', value: (m) => Number(m.runs.edges[0]?.node.id ?? 0),
          show: (m) => (m.runs.edges[0] ? html`<a href="/runs/${m.runs.edges[0].node.id}">#${m.runs.edges[0].node.id}</a> (${m.runs.edges[0].node.status.toLowerCase()})` : '—') },
      ],
    });
    if (!live) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (place.signal.aborted) return;
  }
}
