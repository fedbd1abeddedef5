/**
 * The four verdicts as the page shows them. Colours live once, as CSS custom properties in
 * styles.css (--verdict-ok …), chosen for 3:1 or more against white (WCAG 1.4.11) and distinct
 * hues; charts read the same properties, and every coloured mark also carries its word.
 */
export const VERDICTS = ['OK', 'DEGRADED', 'BROKEN', 'PROBE_FAILED'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The keys the API's VerdictCounts and RunSummary use, in VERDICTS order. */
export const COUNT_KEYS = ['ok', 'degraded', 'broken', 'probeFailed'] as const;
export type VerdictCounts = Record<(typeof COUNT_KEYS)[number], number>;

export const LABEL: Record<Verdict, string> = { OK: 'OK', DEGRADED: 'Degraded', BROKEN: 'Broken', PROBE_FAILED: 'Probe failed' };

const CSS_NAME: Record<Verdict, string> = { OK: 'ok', DEGRADED: 'degraded', BROKEN: 'broken', PROBE_FAILED: 'probe-failed' };

/** Class for a verdict mark: `verdict verdict-broken`. */
export function verdictClass(v: Verdict): string {
  return `verdict verdict-${CSS_NAME[v]}`;
}

export function verdictColour(v: Verdict): string {
  return getComputedStyle(document.documentElement).getPropertyValue(`--verdict-${CSS_NAME[v]}`).trim();
}

export function totalOf(c: VerdictCounts): number {
  return c.ok + c.degraded + c.broken + c.probeFailed;
}

/** The worst verdict with at least one cell, or null for none. */
export function worstOf(c: VerdictCounts): Verdict | null {
  for (let i = VERDICTS.length - 1; i >= 0; i--) if (c[COUNT_KEYS[i]] > 0) return VERDICTS[i];
  return null;
}

/** Counts as people read them: 1,980,010. */
export const count = (n: number): string => n.toLocaleString('en-US');
