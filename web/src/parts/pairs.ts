/**
 * Changed cells of a diff (one run, along an axis) or a comparison (two runs): totals per
 * transition as numbers and a chart, then a table of pairs paged by the API's cursors, each side
 * linking to its cell page.
 */
import { html, render } from 'lit-html';
import { describe, type Axis, type Combination, COMBINATION_FIELDS } from '../axes';
import { LABEL, count, verdictClass, verdictColour, type Verdict } from '../verdicts';
import { countBars } from './charts';
import { failure, loading } from './status';
import { PAGE_SIZE, pageThrough } from './pager';
import { drawTable } from './table';

interface PairCell {
  position: number;
  verdict: Verdict;
  combination: Combination;
}

interface Pair {
  transition: 'REGRESSION' | 'FIX' | 'CHANGE';
  base: PairCell;
  head: PairCell;
}

export interface PairPage {
  totalCount: number;
  regressions: number;
  fixes: number;
  changes: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: Pair }[];
}

/** The selection a DiffConnection query asks for. */
export const PAIR_PAGE_FIELDS = `totalCount regressions fixes changes pageInfo { hasNextPage endCursor }
  edges { node { transition base { position verdict combination { ${COMBINATION_FIELDS} } } head { position verdict combination { ${COMBINATION_FIELDS} } } } }`;

const TRANSITION_LABEL = { REGRESSION: 'Regression', FIX: 'Fix', CHANGE: 'Change' } as const;
/** A transition is drawn in the colour of the verdict it ends in for the worse (regression), the better (fix), or neither. */
const TRANSITION_COLOUR: Record<Pair['transition'], Verdict> = { REGRESSION: 'BROKEN', FIX: 'OK', CHANGE: 'DEGRADED' };

export interface PairsOptions {
  caption: string;
  baseRun: string;
  headRun: string;
  /** The axis a diff runs along: left out of the combination column. */
  axis?: Axis;
  fetchPage: (after: string | null) => Promise<PairPage>;
  signal: AbortSignal;
}

function verdictLink(run: string, cell: PairCell) {
  return html`<a class=${verdictClass(cell.verdict)} href="/runs/${run}/cells/${cell.position}">${LABEL[cell.verdict]}</a>`;
}

export async function drawPairs(host: HTMLElement, options: PairsOptions): Promise<void> {
  render(html`<div class="totals"></div><div class="chart"></div><div class="pairs"></div><nav class="pager" aria-label="Pages of changed cells"></nav>`, host);
  render(loading, host.querySelector<HTMLElement>('.pairs')!);
  let first = true;
  await pageThrough(host.querySelector<HTMLElement>('.pager')!, async (after, page) => {
    let data: PairPage;
    try {
      data = await options.fetchPage(after);
    } catch (err) {
      render(failure(err), host.querySelector<HTMLElement>('.pairs')!);
      return null;
    }
    if (options.signal.aborted) return null;
    if (first) {
      first = false;
      render(html`<dl class="counts">
        <div><dt>Changed cells</dt><dd data-total="all">${count(data.totalCount)}</dd></div>
        <div><dt>Regressions</dt><dd data-total="regressions">${count(data.regressions)}</dd></div>
        <div><dt>Fixes</dt><dd data-total="fixes">${count(data.fixes)}</dd></div>
        <div><dt>Other changes</dt><dd data-total="changes">${count(data.changes)}</dd></div></dl>`, host.querySelector<HTMLElement>('.totals')!);
      countBars(host.querySelector<HTMLElement>('.chart')!, 'Changed cells per transition', [
        { name: 'Regressions', count: data.regressions, colour: verdictColour(TRANSITION_COLOUR.REGRESSION) },
        { name: 'Fixes', count: data.fixes, colour: verdictColour(TRANSITION_COLOUR.FIX) },
        { name: 'Other changes', count: data.changes, colour: verdictColour(TRANSITION_COLOUR.CHANGE) },
      ]);
    }
    const from = page * PAGE_SIZE + 1;
    drawTable(host.querySelector<HTMLElement>('.pairs')!, {
      caption: `${options.caption}: ${data.edges.length ? `${count(from)}–${count(from + data.edges.length - 1)}` : 0} of ${count(data.totalCount)}`,
      data: data.edges.map((e) => e.node),
      empty: 'No cell changed its verdict.',
      columns: [
        { id: 'transition', header: 'Transition', value: (p) => TRANSITION_LABEL[p.transition] },
        { id: 'cell', header: 'Combination', value: (p) => describe(p.base.combination, options.axis) },
        { id: 'base', header: 'Base', value: (p) => p.base.verdict, show: (p) => verdictLink(options.baseRun, p.base) },
        { id: 'head', header: 'Head', value: (p) => p.head.verdict, show: (p) => verdictLink(options.headRun, p.head) },
      ],
    });
    return { total: data.totalCount, hasNext: data.pageInfo.hasNextPage, endCursor: data.pageInfo.endCursor };
  });
}
