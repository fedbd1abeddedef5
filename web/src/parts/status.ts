/** How a view says it is loading or what went wrong, the same everywhere. */
import { html, type TemplateResult } from 'lit-html';
import { ApiError } from '../api';

export function failure(err: unknown): TemplateResult {
  const code = err instanceof ApiError ? err.code : 'ERROR';
  const message = err instanceof Error ? err.message : String(err);
  const hint = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN'
    ? html`<p>Reads need a token here: paste one (<code>npx virtio-matrix token create --name me --scope read</code>) into the API token field above.</p>`
    : '';
  return html`<div class="error" role="alert"><strong>${code}</strong>: ${message}${hint}</div>`;
}

export const loading = html`<p class="loading" role="status">Loading…</p>`;
