/** `/compare?base=&head=`: cells two runs share whose verdict differs. */
import { html, render } from 'lit-html';
import { gql } from '../api';
import { PAIR_PAGE_FIELDS, drawPairs, type PairPage } from '../parts/pairs';
import { PAGE_SIZE } from '../parts/pager';
import { failure, loading } from '../parts/status';
import type { Place, Router } from '../router';

interface RunChoice {
  id: string;
  status: string;
  matrix: { name: string };
}

export function compareView(router: Router) {
  return async (outlet: HTMLElement, place: Place): Promise<void> => {
    const base = place.query.get('base') ?? '';
    const head = place.query.get('head') ?? '';
    render(html`<h1>Compare runs</h1>${loading}`, outlet);
    let runs: RunChoice[];
    try {
      runs = (await gql<{ runs: { edges: { node: RunChoice }[] } }>('{ runs(first: 100) { edges { node { id status matrix { name } } } } }')).runs.edges.map((e) => e.node);
    } catch (err) {
      render(html`<h1>Compare runs</h1>${failure(err)}`, outlet);
      return;
    }
    if (place.signal.aborted) return;
    const choose = (name: string, label: string, selected: string) => html`<label>${label} <select name=${name} required>
      <option value="">choose a run</option>${runs.map((r) => html`<option value=${r.id} ?selected=${r.id === selected}>#${r.id} ${r.matrix.name} (${r.status.toLowerCase()})</option>`)}</select></label>`;
    render(html`
      <nav class="crumbs" aria-label="Breadcrumb"><a href="/">Runs</a> › Compare</nav>
      <h1>Compare runs${base && head ? `: #${base} → #${head}` : ''}</h1>
      <form class="filters" @submit=${(e: Event) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget as HTMLFormElement);
        router.go(`/compare?${new URLSearchParams({ base: String(fd.get('base')), head: String(fd.get('head')) })}`);
      }}>${choose('base', 'Base run', base)} ${choose('head', 'Head run', head)} <button type="submit">Compare</button></form>
      <div id="pairs"></div>`, outlet);
    if (!base || !head) return;
    await drawPairs(outlet.querySelector<HTMLElement>('#pairs')!, {
      caption: 'Cells whose verdict differs', baseRun: base, headRun: head, signal: place.signal,
      fetchPage: async (after) => (await gql<{ compareRuns: PairPage }>(`query($base: ID!, $head: ID!, $first: Int, $after: String) {
        compareRuns(base: $base, head: $head, first: $first, after: $after) { ${PAIR_PAGE_FIELDS} } }`,
      { base, head, first: PAGE_SIZE, after })).compareRuns,
    });
  };
}
