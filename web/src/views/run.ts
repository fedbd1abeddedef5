/**
 * `/runs/:id`: the run's summary and its heatmap over any two axes, with filters; a square opens
 * its cells (paged), each linking to its cell page. Axes, filters and the open square are in the
 * URL, so a view can be shared as it is.
 */
import { html, render } from 'lit-html';
import { POLL_MS, gql, runStatus } from '../api';
import { AXES, COMBINATION_FIELDS, MATRIX_AXES_FIELDS, describe, fieldOf, valuesOn, type Axis, type Combination, type MatrixAxes } from '../axes';
import { drawHeatmap, type HeatmapData } from '../parts/heatmap';
import { PAGE_SIZE, pageThrough } from '../parts/pager';
import { RUN_SUMMARY_FIELDS, summaryList, type RunSummary } from '../parts/summary';
import { failure, loading } from '../parts/status';
import { drawTable } from '../parts/table';
import type { Place, Router } from '../router';
import { LABEL, VERDICTS, count, verdictClass, type Verdict } from '../verdicts';

type RunWithMatrix = RunSummary & { matrix: MatrixAxes & { name: string } };

/** Heatmap labels of a CONFIG axis for the defaults; the filter writes them as an empty config key. */
const DEFAULTS_LABEL = '(defaults)';
const filterValue = (axis: Axis, label: string) => (axis === 'CONFIG' && label === DEFAULTS_LABEL ? '' : label);
/** What a filter offers on an axis: the matrix's values, and for CONFIG the devices left at their defaults too. */
const choicesOn = (matrix: MatrixAxes, axis: Axis) => (axis === 'CONFIG' ? [...valuesOn(matrix, axis), DEFAULTS_LABEL] : valuesOn(matrix, axis));

function axisParam(query: URLSearchParams, name: string, fallback: Axis): Axis {
  const v = query.get(name);
  return (AXES as readonly string[]).includes(v ?? '') ? (v as Axis) : fallback;
}

/**
 * The CellFilter a URL asks for: any number of values per axis, each a parameter of its own
 * (`arch=s390x&arch=ppc64`: either), CONFIG's defaults as `config=(defaults)`; verdicts as a comma list.
 */
function filterOf(query: URLSearchParams): Record<string, string[]> {
  const filter: Record<string, string[]> = {};
  for (const axis of AXES) {
    const values = query.getAll(fieldOf(axis)).filter((v) => v !== '');
    if (values.length) filter[fieldOf(axis)] = values.map((v) => filterValue(axis, v));
  }
  const verdicts = (query.get('verdict') ?? '').split(',').filter((v) => (VERDICTS as readonly string[]).includes(v));
  if (verdicts.length) filter.verdict = verdicts;
  return filter;
}

interface CellRow {
  position: number;
  verdict: Verdict;
  combination: Combination;
}

export function runView(router: Router) {
  return async (outlet: HTMLElement, place: Place): Promise<void> => {
    const id = place.params.id;
    const rows = axisParam(place.query, 'rows', 'KERNEL');
    const columns = axisParam(place.query, 'columns', 'STRATEGY');
    const filter = filterOf(place.query);
    render(html`<h1>Run #${id}</h1>${loading}`, outlet);
    let data: { run: RunWithMatrix | null; heatmap: HeatmapData };
    try {
      data = await gql(`query($id: ID!, $rows: Axis!, $columns: Axis!, $filter: CellFilter) {
        run(id: $id) { ${RUN_SUMMARY_FIELDS} matrix { name ${MATRIX_AXES_FIELDS} } }
        heatmap(run: $id, rows: $rows, columns: $columns, filter: $filter) { rows columns cells { ok degraded broken probeFailed } } }`,
      { id, rows, columns, filter });
    } catch (err) {
      render(html`<h1>Run #${id}</h1>${failure(err)}`, outlet);
      return;
    }
    if (place.signal.aborted) return;
    const run = data.run!;
    const matrix = run.matrix;

    /** This view with some URL parameters changed; no Back step for each filter tweak. */
    const update = (changes: Record<string, string | string[] | null>) => {
      const q = new URLSearchParams(place.query);
      for (const [k, v] of Object.entries(changes)) {
        q.delete(k);
        for (const value of Array.isArray(v) ? v : [v]) if (value !== null && value !== '') q.append(k, value);
      }
      router.go(`/runs/${id}?${q}`, true);
    };
    const onFilter = (e: Event) => {
      const form = (e.currentTarget as HTMLFormElement);
      e.preventDefault();
      const fd = new FormData(form);
      const changes: Record<string, string | string[] | null> = { rows: String(fd.get('rows')), columns: String(fd.get('columns')), row: null, col: null };
      for (const axis of AXES) changes[fieldOf(axis)] = fd.getAll(fieldOf(axis)).map(String);
      changes.verdict = fd.getAll('verdict').join(',');
      update(changes);
    };
    const selectedVerdicts = filter.verdict ?? [];
    const axisSelect = (name: string, label: string, selected: Axis) => html`
      <label>${label} <select name=${name}>${AXES.map((a) => html`<option value=${a} ?selected=${a === selected}>${a.toLowerCase()}</option>`)}</select></label>`;

    render(html`
      <nav class="crumbs" aria-label="Breadcrumb"><a href="/">Runs</a> › Run #${id}</nav>
      <h1>Run #${id}: ${matrix.name}</h1>
      <p>${run.kind.toLowerCase()} run, ${run.trigger}</p>
      ${summaryList(run)}
      <p class="live" role="status"></p>
      <section aria-labelledby="heat-h">
        <h2 id="heat-h">Heatmap</h2>
        <form class="filters" @submit=${onFilter}>
          <fieldset><legend>Axes</legend>${axisSelect('rows', 'Rows', rows)} ${axisSelect('columns', 'Columns', columns)}</fieldset>
          <fieldset><legend>Only cells with (none selected on an axis: any; several: either)</legend>
            ${AXES.map((a) => {
              const chosen = filter[fieldOf(a)] ?? [];
              const choices = choicesOn(matrix, a);
              return html`<label>${a.toLowerCase()} <select multiple size=${Math.min(4, choices.length)} name=${fieldOf(a)}>
                ${choices.map((v) => html`<option ?selected=${chosen.includes(filterValue(a, v))}>${v}</option>`)}</select></label>`;
            })}
          </fieldset>
          <fieldset class="verdicts"><legend>Verdicts (none ticked: all)</legend>
            ${VERDICTS.map((v) => html`<label><input type="checkbox" name="verdict" value=${v} ?checked=${selectedVerdicts.includes(v)}> <span class=${verdictClass(v)}>${LABEL[v]}</span></label>`)}
          </fieldset>
          <button type="submit">Show</button>
        </form>
        <ul class="legend" aria-label="Verdict colours">${VERDICTS.map((v) => html`<li><span class=${verdictClass(v)}>${LABEL[v]}</span></li>`)}</ul>
        <div id="heatmap" class="heatmap-host"></div>
      </section>
      <section aria-labelledby="cells-h" id="cells-section"></section>
      <section aria-labelledby="diff-h">
        <h2 id="diff-h">Diff along one axis</h2>
        <form class="filters" @submit=${(e: Event) => {
          e.preventDefault();
          const fd = new FormData(e.currentTarget as HTMLFormElement);
          router.go(`/runs/${id}/diff?${new URLSearchParams({ axis: String(fd.get('axis')), base: String(fd.get('base')), head: String(fd.get('head')) })}`);
        }}>
          ${axisSelect('axis', 'Axis', 'STRATEGY')}
          <label>Base <input name="base" required placeholder="pre-fix" list="axis-values"></label>
          <label>Head <input name="head" required placeholder="write-back" list="axis-values"></label>
          <datalist id="axis-values">${AXES.flatMap((a) => valuesOn(matrix, a)).map((v) => html`<option value=${v}></option>`)}</datalist>
          <button type="submit">Diff</button>
        </form>
        <p><a href="/compare?base=${id}">Compare this run with another</a></p>
      </section>`, outlet);

    const picked = place.query.get('row') !== null && place.query.get('col') !== null ? { row: place.query.get('row')!, column: place.query.get('col')! } : null;
    const drawMap = (selected: typeof picked) => drawHeatmap(outlet.querySelector('#heatmap')!, data.heatmap, {
      rowAxis: rows, columnAxis: columns, selected,
      onPick: (row, column) => {
        const q = new URLSearchParams(place.query); // keeps repeated filter values (arch=s390x&arch=ppc64)
        q.set('row', row);
        q.set('col', column);
        history.replaceState(null, '', `/runs/${id}?${q}`);
        drawMap({ row, column });
        void showCells(row, column);
      },
    });
    drawMap(picked);

    async function showCells(row: string, column: string): Promise<void> {
      const host = outlet.querySelector<HTMLElement>('#cells-section')!;
      const cellFilter = { ...filter, [fieldOf(rows)]: [filterValue(rows, row)], [fieldOf(columns)]: [filterValue(columns, column)] };
      render(html`<h2 id="cells-h">Cells at ${rows.toLowerCase()} ${row}, ${columns.toLowerCase()} ${column}</h2><div class="cells"></div><nav class="pager" aria-label="Pages of cells"></nav>`, host);
      // Nested containers are drawn by render() of their own, never filled by the outer template.
      render(loading, host.querySelector<HTMLElement>('.cells')!);
      await pageThrough(host.querySelector<HTMLElement>('.pager')!, async (after) => {
        let cells: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: CellRow }[] };
        try {
          ({ cells } = await gql<{ cells: typeof cells }>(`query($id: ID!, $filter: CellFilter, $first: Int, $after: String) {
            cells(run: $id, filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
              edges { node { position verdict combination { ${COMBINATION_FIELDS} } } } } }`,
          { id, filter: cellFilter, first: PAGE_SIZE, after }));
        } catch (err) {
          render(failure(err), host.querySelector<HTMLElement>('.cells')!);
          return null;
        }
        drawTable<CellRow>(host.querySelector<HTMLElement>('.cells')!, {
          caption: `${count(cells.totalCount)} cells; open one for its outcome and trace`,
          data: cells.edges.map((e) => e.node),
          columns: [
            { id: 'position', header: 'Position', value: (c) => c.position, show: (c) => html`<a href="/runs/${id}/cells/${c.position}">${c.position}</a>` },
            { id: 'combination', header: 'Combination', value: (c) => describe(c.combination) },
            { id: 'verdict', header: 'Verdict', value: (c) => c.verdict, show: (c) => html`<span class=${verdictClass(c.verdict)}>${LABEL[c.verdict]}</span>` },
          ],
        });
        return { total: cells.totalCount, hasNext: cells.pageInfo.hasNextPage, endCursor: cells.pageInfo.endCursor };
      });
    }
    if (picked) await showCells(picked.row, picked.column);
    if (run.status === 'QUEUED' || run.status === 'RUNNING') await followRun();

    /** While the run goes on, its progress from the REST status (no grid read); at its end, the view again with the final picture. */
    async function followRun(): Promise<void> {
      const line = outlet.querySelector<HTMLElement>('.live')!;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (place.signal.aborted) return;
        let now;
        try {
          now = await runStatus(id);
        } catch {
          return;
        }
        if (place.signal.aborted) return;
        if (now.finished) {
          void router.render();
          return;
        }
        line.textContent = `${now.status}: ${count(now.cellsDone)} of ${count(now.cellsTotal)} positions (${Math.floor(now.progress * 100)}%); the heatmap shows the cells done so far and is redrawn when the run ends.`;
      }
    }
  };
}
