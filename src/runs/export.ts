/**
 * A run's stored results as rows for whoever wants them in SQL or a spreadsheet: one row per
 * evaluated position with its combination spelled out, its verdict, the features negotiated and
 * cleared in validate() by name, and the effective guest value. Rows are produced as the store
 * hands the results over, so a 2.2 M cell run is never held whole.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { VERDICTS, configKey } from '../engine';
import { featureNames } from '../engine/outcome';
import { NotFoundError } from './errors';
import { planOf } from './plan';
import type { RunRecord, StoredResult } from './types';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ResultSource {
  getRun(id: string): Promise<RunRecord | null>;
  /** Every stored result of the run, in position order. */
  storedResults(runId: string): AsyncIterable<StoredResult>;
}

export interface ExportRow {
  run: string;
  position: number;
  arch: string;
  transport: string;
  device: string;
  mode: string;
  backend: string;
  hypervisor: string;
  kernel: string;
  strategy: string;
  /** field=value,... as cells and diff filters spell it; empty when the device has none. */
  config: string;
  verdict: string;
  negotiated: string[];
  /** Features validate() cleared (empty for probe runs: a guest does not show them). */
  cleared: string[];
  effective: number | null;
}

export const EXPORT_COLUMNS = [
  'run', 'position', 'arch', 'transport', 'device', 'mode', 'backend', 'hypervisor', 'kernel', 'strategy', 'config', 'verdict', 'negotiated', 'cleared', 'effective',
] as const satisfies readonly (keyof ExportRow)[];

async function* rowsOf(run: RunRecord, results: AsyncIterable<StoredResult>): AsyncGenerator<ExportRow> {
  const plan = planOf(run);
  for await (const r of results) {
    const c = plan.combinationAt(r.position);
    const device = plan.variantAt(r.position).device.name;
    yield {
      run: run.id, position: r.position, arch: c.arch, transport: c.transport, device: c.device, mode: c.mode, backend: c.backend,
      hypervisor: c.hypervisor, kernel: c.kernel, strategy: c.strategy, config: configKey(c.config ?? {}), verdict: VERDICTS[r.verdict],
      negotiated: featureNames(device, r.negotiated), cleared: featureNames(device, r.cleared), effective: r.effective,
    };
  }
}

/** The run's rows; an unknown run is a NotFoundError before any row is produced. */
export async function exportRows(source: ResultSource, runId: string): Promise<AsyncIterable<ExportRow>> {
  const run = await source.getRun(runId);
  if (!run) throw new NotFoundError('run', runId);
  return rowsOf(run, source.storedResults(run.id));
}

/**
 * Rows written as text: CSV with a header (feature lists space-separated, an absent effective
 * value empty) or JSON lines. Resolves with the rows written once `out` has them all; `end: false`
 * leaves `out` open (stdout).
 */
export async function writeRows(rows: AsyncIterable<ExportRow>, format: ExportFormat, out: Writable, options: { end?: boolean } = {}): Promise<number> {
  let written = 0;
  const counted = Readable.from((async function* () {
    for await (const row of rows) {
      written++;
      yield format === 'jsonl' ? `${JSON.stringify(row)}\n` : { ...row, negotiated: row.negotiated.join(' '), cleared: row.cleared.join(' '), effective: row.effective ?? '' };
    }
  })());
  const end = options.end ?? true;
  if (format === 'jsonl') await pipeline(counted, out, { end });
  else await pipeline(counted, stringify({ header: true, columns: [...EXPORT_COLUMNS] }), out, { end });
  return written;
}
