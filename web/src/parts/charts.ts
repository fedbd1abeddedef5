/**
 * Charts (Chart.js): verdict shares as a horizontal stacked bar, and counts per category as bars.
 * Each chart sits beside a table or list with the same numbers, so nothing is only in a picture.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { COUNT_KEYS, LABEL, VERDICTS, verdictColour, type VerdictCounts } from '../verdicts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
// Axis and legend text in the page's text colour (Chart.js's default grey is fainter).
Chart.defaults.color = '#1f2328';

/** Charts drawn into a host are destroyed before the host is drawn again. */
const drawn = new WeakMap<HTMLElement, Chart>();

function canvasIn(host: HTMLElement, label: string): HTMLCanvasElement {
  drawn.get(host)?.destroy();
  host.replaceChildren();
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  host.append(canvas);
  return canvas;
}

/** One stacked bar per row (runs, say), one segment per verdict. */
export function verdictBars(host: HTMLElement, label: string, rows: { name: string; counts: VerdictCounts }[]): void {
  const canvas = canvasIn(host, label);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.name),
      datasets: VERDICTS.map((v, i) => ({ label: LABEL[v], data: rows.map((r) => r.counts[COUNT_KEYS[i]]), backgroundColor: verdictColour(v) })),
    },
    options: {
      indexAxis: 'y', animation: false, maintainAspectRatio: false,
      scales: { x: { stacked: true, title: { display: true, text: 'cells' } }, y: { stacked: true } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  host.style.height = `${Math.max(120, 40 + rows.length * 34)}px`;
  drawn.set(host, chart);
}

/** Plain counts per category, each bar in its own colour (transitions of a diff). */
export function countBars(host: HTMLElement, label: string, bars: { name: string; count: number; colour: string }[]): void {
  const canvas = canvasIn(host, label);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: bars.map((b) => b.name), datasets: [{ label: 'cells', data: bars.map((b) => b.count), backgroundColor: bars.map((b) => b.colour) }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  host.style.height = '180px';
  drawn.set(host, chart);
}
