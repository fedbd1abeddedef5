/**
 * Previous/Next over a GraphQL connection's cursors: the API pages forward only, so the cursors
 * of pages already seen are kept to go back.
 */
import { html, render } from 'lit-html';
import { count } from '../verdicts';

export const PAGE_SIZE = 25;

export interface PageSeen {
  total: number;
  hasNext: boolean;
  endCursor: string | null;
}

/** `load` fetches and draws one page (null when it failed and said so); the buttons go into `nav`. */
export async function pageThrough(nav: HTMLElement, load: (after: string | null, page: number) => Promise<PageSeen | null>): Promise<void> {
  const cursors: (string | null)[] = [null];
  let page = 0;
  const show = async (): Promise<void> => {
    const seen = await load(cursors[page], page);
    if (!seen) return;
    cursors[page + 1] = seen.endCursor;
    const pages = Math.max(1, Math.ceil(seen.total / PAGE_SIZE));
    render(html`
      <button type="button" ?disabled=${page === 0} @click=${() => { page--; void show(); }}>Previous page</button>
      <span class="page-of" aria-live="polite">Page ${count(page + 1)} of ${count(pages)}</span>
      <button type="button" ?disabled=${!seen.hasNext} @click=${() => { page++; void show(); }}>Next page</button>`, nav);
  };
  await show();
}
