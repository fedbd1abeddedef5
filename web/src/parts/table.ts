/**
 * Tables over TanStack Table's headless core, drawn with lit-html: column definitions and
 * sorting come from the library, the markup is ours (a real <table> with a caption, header
 * buttons for sorting, rows reachable by keyboard through their links).
 */
import {
  createTable, getCoreRowModel, getSortedRowModel, type ColumnDef, type SortingState, type TableState,
} from '@tanstack/table-core';
import { html, render, type TemplateResult } from 'lit-html';

export interface Column<T> {
  id: string;
  header: string;
  /** What the column sorts by, and shows unless `show` draws it. */
  value: (row: T) => string | number | null;
  show?: (row: T) => TemplateResult | string;
}

export interface TableOptions<T> {
  caption: string;
  columns: Column<T>[];
  data: T[];
  /** Sorted in the page (all rows are here); server-paged tables leave this off. */
  sortable?: boolean;
  empty?: string;
  /** Extra class per row, e.g. its verdict. */
  rowClass?: (row: T) => string;
}

/** The sorting a reader chose on a table, kept per host: a page that polls redraws it with new rows, not new order. */
const sortingOf = new WeakMap<HTMLElement, SortingState>();

export function drawTable<T>(host: HTMLElement, options: TableOptions<T>): void {
  let state: Partial<TableState> = { sorting: sortingOf.get(host) ?? [] };
  const table = createTable<T>({
    data: options.data,
    columns: options.columns.map((c): ColumnDef<T, unknown> => ({ id: c.id, header: c.header, accessorFn: c.value, sortUndefined: 'last' })),
    state,
    onStateChange: (updater) => {
      state = typeof updater === 'function' ? updater(table.getState()) : updater;
      if (state.sorting) sortingOf.set(host, state.sorting);
      table.setOptions((prev) => ({ ...prev, state }));
      paint();
    },
    renderFallbackValue: '',
    getCoreRowModel: getCoreRowModel(),
    ...(options.sortable ? { getSortedRowModel: getSortedRowModel() } : {}),
    enableSorting: Boolean(options.sortable),
  });
  table.setOptions((prev) => ({ ...prev, state: { ...table.initialState, ...state } }));

  const sortLabel = (dir: false | 'asc' | 'desc') => (dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none');

  function paint(): void {
    const rows = table.getRowModel().rows;
    render(html`
      <table class="data">
        <caption>${options.caption}</caption>
        <thead>${table.getHeaderGroups().map((group) => html`<tr>${group.headers.map((h) => {
          const title = String(h.column.columnDef.header ?? h.column.id);
          if (!h.column.getCanSort()) return html`<th scope="col">${title}</th>`;
          const dir = h.column.getIsSorted();
          return html`<th scope="col" aria-sort=${sortLabel(dir)}>
            <button type="button" class="sort" @click=${h.column.getToggleSortingHandler()}>${title}<span aria-hidden="true">${dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span></button></th>`;
        })}</tr>`)}</thead>
        <tbody>${rows.length === 0
          ? html`<tr><td colspan=${options.columns.length}>${options.empty ?? 'Nothing here.'}</td></tr>`
          : rows.map((row) => html`<tr class=${options.rowClass?.(row.original) ?? ''}>${row.getVisibleCells().map((cell) => {
            const show = options.columns.find((c) => c.id === cell.column.id)?.show;
            return html`<td>${show ? show(row.original) : String(cell.getValue() ?? '')}</td>`;
          })}</tr>`)}</tbody>
      </table>`, host);
  }
  paint();
}
