import type { ConfigField } from '../profiles/types';

/** Spec §3.1.1 steps, plus the transport setup that precedes them. */
export type Phase = 'setup' | 'reset' | 'status' | 'features' | 'validate' | 'finalize' | 'features_ok' | 'probe';

/**
 * Receives what crosses the transport while a combination runs. The fast path passes `null`
 * and builds no strings; `OutcomeRecorder` collects everything for outcomes and traces.
 */
export interface Recorder {
  step(phase: Phase, actor: 'driver' | 'device' | 'transport', action: string, detail: string): void;
  configRead(phase: Phase, field: ConfigField, bytes: Uint8Array, offset: number, driverValue: number | string, deviceValue: number | string): void;
}
