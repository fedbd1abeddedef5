/** `/runs/:id/diff?axis=&base=&head=`: cells of one run that changed verdict between two values of an axis. */
import { html, render } from 'lit-html';
import { gql } from '../api';
import { AXES, type Axis } from '../axes';
import { PAIR_PAGE_FIELDS, drawPairs, type PairPage } from '../parts/pairs';
import { PAGE_SIZE } from '../parts/pager';
import { failure } from '../parts/status';
import type { Place } from '../router';

export async function diffView(outlet: HTMLElement, place: Place): Promise<void> {
  const id = place.params.id;
  const axis = place.query.get('axis') ?? '';
  // A URL typed or pasted as `head=5.13+blk-size-check` decodes "+" to a space; no axis value
  // holds a space (ids cannot), so it stands for the "+" of BASE+ID.
  const value = (name: string) => (place.query.get(name) ?? '').replaceAll(' ', '+');
  const base = value('base');
  const head = value('head');
  const title = `Run #${id}: ${axis.toLowerCase()} ${base} → ${head}`;
  render(html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Runs</a> › <a href="/runs/${id}">Run #${id}</a> › Diff</nav>
    <h1>${title}</h1><div id="pairs"></div>`, outlet);
  if (!(AXES as readonly string[]).includes(axis) || !base || !head) {
    render(failure(new Error(`a diff needs axis (one of ${AXES.join(', ')}), base and head in the URL, e.g. ?axis=STRATEGY&base=pre-fix&head=write-back`)), outlet.querySelector<HTMLElement>('#pairs')!);
    return;
  }
  await drawPairs(outlet.querySelector<HTMLElement>('#pairs')!, {
    caption: 'Changed cells', baseRun: id, headRun: id, axis: axis as Axis, signal: place.signal,
    fetchPage: async (after) => (await gql<{ diff: PairPage }>(`query($id: ID!, $axis: Axis!, $base: String!, $head: String!, $first: Int, $after: String) {
      diff(run: $id, axis: $axis, base: $base, head: $head, first: $first, after: $after) { ${PAIR_PAGE_FIELDS} } }`,
    { id, axis, base, head, first: PAGE_SIZE, after })).diff,
  });
}
