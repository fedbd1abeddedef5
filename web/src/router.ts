/**
 * History-API routing over path patterns (regexparam): every view has a URL that can be shared,
 * reloaded and navigated with Back. Same-origin links are followed without a page load; a view
 * gets an AbortSignal that fires when the user leaves it, which ends its polling.
 */
import { parse } from 'regexparam';

export interface Place {
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
}

export type View = (outlet: HTMLElement, place: Place) => Promise<void> | void;

interface Route {
  pattern: RegExp;
  keys: string[];
  view: View;
}

export class Router {
  private readonly routes: Route[] = [];
  private leaving: AbortController | null = null;

  constructor(private readonly outlet: HTMLElement, private readonly notFound: View) {}

  on(path: string, view: View): this {
    const { pattern, keys } = parse(path);
    this.routes.push({ pattern, keys, view });
    return this;
  }

  start(): void {
    window.addEventListener('popstate', () => void this.render());
    document.addEventListener('click', (e) => {
      const a = (e.target as Element | null)?.closest('a');
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || a.target || a.hasAttribute('download') || url.pathname.startsWith('/api/')) return;
      e.preventDefault();
      this.go(url.pathname + url.search + url.hash);
    });
    void this.render();
  }

  /** Navigate; `replace` for state changes that should not add a Back step (a filter tweak). */
  go(to: string, replace = false): void {
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    void this.render(!replace);
  }

  async render(moveFocus = false): Promise<void> {
    this.leaving?.abort();
    const leaving = (this.leaving = new AbortController());
    const query = new URLSearchParams(location.search);
    for (const route of this.routes) {
      const match = route.pattern.exec(location.pathname);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(match[i + 1] ?? '')));
      await route.view(this.outlet, { params, query, signal: leaving.signal });
      // After a navigation, focus goes to the new content so keyboard and screen reader users start there.
      if (moveFocus && !leaving.signal.aborted) this.outlet.focus();
      return;
    }
    await this.notFound(this.outlet, { params: {}, query, signal: leaving.signal });
  }
}
