/** Outcome classes, ordered from good to bad so that "got worse" is a comparison. */
export const VERDICTS = ['OK', 'DEGRADED', 'BROKEN', 'PROBE_FAILED'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const OK = 0;
export const DEGRADED = 1;
export const BROKEN = 2;
export const PROBE_FAILED = 3;
export type VerdictCode = typeof OK | typeof DEGRADED | typeof BROKEN | typeof PROBE_FAILED;
