/**
 * The dashboard: one static page that asks /graphql for a run's heatmap over two axes and draws
 * it on a canvas (green OK, amber DEGRADED, red BROKEN/PROBE_FAILED, share by area); clicking a
 * square lists its cells. No build step, no framework: the API is the product, this is a view.
 * It only reads. With READS_REQUIRE_TOKEN=1 it needs a read token, typed into the page once and
 * kept in the browser's localStorage, and sent as Authorization: Bearer.
 */
import { AXES } from '../engine';

export function dashboardHtml(): string {
  const options = (selected: string) => AXES.map(({ enumValue: a }) => `<option${a === selected ? ' selected' : ''}>${a}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>virtio-matrix</title>
<style>
 body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
 label { margin-right: 1rem; } select, input { font: inherit; }
 #legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: middle; }
 #cells { font: 12px ui-monospace, monospace; white-space: pre; margin-top: 1rem; }
 .err { color: #b00; }
</style></head>
<body>
<h1>virtio-matrix</h1>
<p>
 <label>Run <select id="run"></select></label>
 <label>Rows <select id="rows">${options('KERNEL')}</select></label>
 <label>Columns <select id="columns">${options('STRATEGY')}</select></label>
 <label>Arch <input id="arch" size="8" value="s390x"></label>
 <label>Device <input id="device" size="6" value="blk"></label>
 <button id="draw">Draw</button>
 <label>Token <input id="token" type="password" size="14" placeholder="vmx_… (if reads need one)" autocomplete="off"></label>
</p>
<p id="legend"><span style="background:#2e7d32"></span>OK<span style="background:#f9a825"></span>DEGRADED<span style="background:#c62828"></span>BROKEN / PROBE_FAILED<span style="background:#eee"></span>no cells</p>
<p id="status"></p>
<canvas id="map" width="900" height="600"></canvas>
<div id="cells"></div>
<script>
const TOKEN_KEY = 'virtio-matrix-token';
const gql = async (query, variables) => {
  const headers = { 'content-type': 'application/json' };
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const json = await res.json();
  if (json.errors) throw new Error(json.errors.map((e) => e.message).join('; '));
  return json.data;
};
const $ = (id) => document.getElementById(id);
const filter = () => {
  const f = {};
  if ($('arch').value.trim()) f.arch = $('arch').value.split(',').map((s) => s.trim());
  if ($('device').value.trim()) f.device = $('device').value.split(',').map((s) => s.trim());
  return f;
};
let current = null;
async function loadRuns() {
  const data = await gql('{ runs(first: 50) { edges { node { id status matrix { name } summary { total } } } } }');
  $('run').innerHTML = data.runs.edges.map(({ node }) => '<option value="' + node.id + '">#' + node.id + ' ' + node.matrix.name + ' (' + node.status.toLowerCase() + ')</option>').join('');
  if (!data.runs.edges.length) $('status').textContent = 'No runs yet: mutation { startRun(matrix: "be-config-2021") { id } } with a run token (Authorization: Bearer <token>; npx virtio-matrix token create --name me --scope run)';
}
async function draw() {
  $('status').textContent = 'loading...';
  const vars = { run: $('run').value, rows: $('rows').value, columns: $('columns').value, filter: filter() };
  try {
    const { heatmap } = await gql('query($run: ID!, $rows: Axis!, $columns: Axis!, $filter: CellFilter) { heatmap(run: $run, rows: $rows, columns: $columns, filter: $filter) { rows columns cells { ok degraded broken probeFailed } } }', vars);
    current = { ...vars, heatmap };
    paint(heatmap);
    $('status').textContent = heatmap.rows.length + ' x ' + heatmap.columns.length + '; click a square for its cells';
  } catch (e) { $('status').innerHTML = '<span class="err">' + e.message + '</span>'; }
}
const LEFT = 170, TOP = 110;
function geometry(h) {
  const cw = Math.max(8, Math.min(60, Math.floor((900 - LEFT) / Math.max(1, h.columns.length))));
  // Rows never shorter than their 11px labels: a long axis (69 kernels) grows the canvas instead.
  const ch = Math.max(13, Math.min(30, Math.floor((600 - TOP) / Math.max(1, h.rows.length))));
  return { cw, ch };
}
function paint(h) {
  const c = $('map'), { cw, ch } = geometry(h);
  c.width = Math.max(900, LEFT + h.columns.length * cw + 10);
  c.height = Math.max(600, TOP + h.rows.length * ch + 10);
  const g = c.getContext('2d');
  g.font = '11px sans-serif'; g.fillStyle = '#222';
  h.rows.forEach((r, i) => g.fillText(r, 4, TOP + i * ch + ch * 0.7));
  h.columns.forEach((col, j) => { g.save(); g.translate(LEFT + j * cw + cw * 0.6, TOP - 6); g.rotate(-Math.PI / 3); g.fillText(col, 0, 0); g.restore(); });
  h.cells.forEach((row, i) => row.forEach((v, j) => {
    const total = v.ok + v.degraded + v.broken + v.probeFailed, x = LEFT + j * cw, y = TOP + i * ch;
    if (!total) { g.fillStyle = '#eee'; g.fillRect(x, y, cw - 1, ch - 1); return; }
    const parts = [[v.ok, '#2e7d32'], [v.degraded, '#f9a825'], [v.broken + v.probeFailed, '#c62828']];
    let offset = 0;
    for (const [n, color] of parts) { const w = (cw - 1) * n / total; g.fillStyle = color; g.fillRect(x + offset, y, w, ch - 1); offset += w; }
  }));
}
$('map').addEventListener('click', async (ev) => {
  if (!current) return;
  const h = current.heatmap, { cw, ch } = geometry(h);
  const rect = ev.target.getBoundingClientRect();
  const j = Math.floor((ev.clientX - rect.left - LEFT) / cw), i = Math.floor((ev.clientY - rect.top - TOP) / ch);
  if (i < 0 || j < 0 || i >= h.rows.length || j >= h.columns.length) return;
  const f = { ...current.filter, verdict: ['DEGRADED', 'BROKEN', 'PROBE_FAILED'] };
  const key = (axis) => axis === 'CONFIG' ? 'config' : axis.toLowerCase();
  f[key(current.rows)] = [h.rows[i]]; f[key(current.columns)] = [h.columns[j]];
  const data = await gql('query($run: ID!, $filter: CellFilter) { cells(run: $run, filter: $filter, first: 25) { totalCount edges { node { id verdict effective combination { arch transport device mode backend hypervisor kernel strategy config } } } } }', { run: current.run, filter: f });
  $('cells').textContent = h.rows[i] + ' x ' + h.columns[j] + ': ' + data.cells.totalCount + ' cells not OK\\n' +
    data.cells.edges.map(({ node }) => node.id.padEnd(12) + node.verdict.padEnd(13) + JSON.stringify(node.combination)).join('\\n');
});
$('token').value = localStorage.getItem(TOKEN_KEY) || '';
$('token').addEventListener('change', () => {
  const t = $('token').value.trim();
  if (t) localStorage.setItem(TOKEN_KEY, t); else localStorage.removeItem(TOKEN_KEY);
  loadRuns().then(() => { if ($('run').value) draw(); }).catch((e) => { $('status').innerHTML = '<span class="err">' + e.message + '</span>'; });
});
$('draw').addEventListener('click', draw);
loadRuns().then(() => { if ($('run').value) draw(); }).catch((e) => { $('status').innerHTML = '<span class="err">' + e.message + '</span>'; });
</script>
</body></html>`;
}
