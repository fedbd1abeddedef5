/**
 * A run's verdict counts over two axes as a grid of focusable squares. Each square shows its
 * cells' verdict shares as a stacked bar in the verdict colours with the total, names every
 * count in its accessible name and in a tooltip (hover or focus), and opens its cells on Enter
 * or click. Arrow keys move between squares; a table keeps rows and columns announced.
 */
import { html, nothing, render } from 'lit-html';
import { COUNT_KEYS, LABEL, VERDICTS, count, totalOf, verdictClass, worstOf, type VerdictCounts } from '../verdicts';

export interface HeatmapData {
  rows: string[];
  columns: string[];
  cells: VerdictCounts[][];
}

export interface HeatmapOptions {
  rowAxis: string;
  columnAxis: string;
  selected: { row: string; column: string } | null;
  onPick: (row: string, column: string) => void;
}

function countsText(c: VerdictCounts): string {
  const parts = VERDICTS.flatMap((v, i) => (c[COUNT_KEYS[i]] ? [`${count(c[COUNT_KEYS[i]])} ${LABEL[v]}`] : []));
  return parts.length ? parts.join(', ') : 'no cells';
}

function bar(c: VerdictCounts) {
  const total = totalOf(c);
  if (total === 0) return nothing;
  return html`<span class="bar" aria-hidden="true">${VERDICTS.map((v, i) => {
    const n = c[COUNT_KEYS[i]];
    return n ? html`<span class=${verdictClass(v)} style="flex-grow:${n}"></span>` : nothing;
  })}</span>`;
}

/** Arrow keys, Home and End move focus between squares like a spreadsheet. */
function onKey(e: KeyboardEvent): void {
  const target = e.target as HTMLElement;
  const td = target.closest('td');
  if (!td || !target.matches('button.square')) return;
  const tr = td.parentElement as HTMLTableRowElement;
  const col = td.cellIndex;
  let next: Element | null | undefined = null;
  if (e.key === 'ArrowRight') next = tr.cells[col + 1];
  else if (e.key === 'ArrowLeft') next = col > 1 ? tr.cells[col - 1] : null;
  else if (e.key === 'ArrowDown') next = (tr.nextElementSibling as HTMLTableRowElement | null)?.cells[col];
  else if (e.key === 'ArrowUp') next = (tr.previousElementSibling as HTMLTableRowElement | null)?.cells[col];
  else if (e.key === 'Home') next = tr.cells[1];
  else if (e.key === 'End') next = tr.cells[tr.cells.length - 1];
  else return;
  e.preventDefault();
  (next?.querySelector('button.square') as HTMLElement | null)?.focus();
}

export function drawHeatmap(host: HTMLElement, data: HeatmapData, options: HeatmapOptions): void {
  const tip = (e: Event, text: string | null) => {
    const tooltip = host.querySelector<HTMLElement>('.tooltip')!;
    if (text === null) { tooltip.hidden = true; return; }
    const box = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const hostBox = host.getBoundingClientRect();
    tooltip.textContent = text;
    tooltip.style.left = `${box.left - hostBox.left + host.scrollLeft}px`;
    tooltip.style.top = `${box.bottom - hostBox.top + host.scrollTop + 4}px`;
    tooltip.hidden = false;
  };
  const isSelected = (r: string, c: string) => options.selected?.row === r && options.selected.column === c;
  render(html`
    <table class="heatmap" @keydown=${onKey}>
      <caption>Cells by ${options.rowAxis.toLowerCase()} (rows) and ${options.columnAxis.toLowerCase()} (columns); bar lengths are verdict shares, numbers are cells</caption>
      <thead><tr><th scope="col"><span class="visually-hidden">${options.rowAxis.toLowerCase()}</span></th>${data.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
      <tbody>${data.rows.map((r, ri) => html`<tr><th scope="row">${r}</th>${data.columns.map((c, ci) => {
        const counts = data.cells[ri][ci];
        const total = totalOf(counts);
        const worst = worstOf(counts);
        const text = `${options.rowAxis.toLowerCase()} ${r}, ${options.columnAxis.toLowerCase()} ${c}: ${countsText(counts)}`;
        const worstText = worst && worst !== 'OK' ? `${count(counts[COUNT_KEYS[VERDICTS.indexOf(worst)]])} ${LABEL[worst].toLowerCase()}` : null;
        // The accessible name begins with the words on the square (WCAG 2.5.3), then says where and every count.
        const name = `${count(total)}${worstText ? ` ${worstText}` : ''}; ${text}`;
        return html`<td>${total === 0
          ? html`<span class="square empty" title=${text}>–</span>`
          : html`<button type="button" class="square ${worst ? `worst-${worst.toLowerCase()}` : ''}" aria-label=${name} aria-pressed=${isSelected(r, c) ? 'true' : 'false'}
              @click=${() => options.onPick(r, c)} @mouseenter=${(e: Event) => tip(e, text)} @mouseleave=${(e: Event) => tip(e, null)}
              @focus=${(e: Event) => tip(e, text)} @blur=${(e: Event) => tip(e, null)}>
              ${bar(counts)}<span class="total">${count(total)}</span> ${worstText ? html`<span class="worst">${worstText}</span>` : nothing}</button>`}</td>`;
      })}</tr>`)}</tbody>
    </table>
    <div class="tooltip" role="tooltip" hidden></div>`, host);
}
