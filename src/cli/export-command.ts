/**
 * `export --run ID --format csv|jsonl [--out FILE]`: a run's stored results as rows (src/runs/export.ts),
 * streamed to stdout or a file. The file appears only complete: rows go to FILE.partial, renamed
 * at the end; bad options or an unknown run write nothing.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { openDatabase } from '../db/database';
import { SqlRunStore } from '../db/runs';
import { databaseUrl } from '../db/url';
import { NotFoundError } from '../runs/errors';
import { EXPORT_FORMATS, exportRows, writeRows, type ExportRow } from '../runs/export';
import { CliError } from './input';

const optionsSchema = z.object({
  run: z.string({ error: '--run is required' }).regex(/^[1-9][0-9]{0,15}$/, '--run takes a run id (decimal digits)'),
  format: z.enum(EXPORT_FORMATS, { error: '--format takes csv or jsonl' }),
  out: z.string().min(1, '--out takes a file path').optional(),
  db: z.string().optional(),
});

export type ExportInput = Partial<Record<keyof z.input<typeof optionsSchema>, string>>;

export interface ExportIo {
  stdout: Writable;
  stderr: (line: string) => void;
}

export async function exportRun(input: ExportInput, io: ExportIo): Promise<void> {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError('BAD_USER_INPUT', issue.message, { field: String(issue.path[0]) });
  }
  const opts = parsed.data;
  const db = await openDatabase(databaseUrl(opts.db));
  try {
    let rows: AsyncIterable<ExportRow>;
    try {
      rows = await exportRows(new SqlRunStore(db), opts.run);
    } catch (err) {
      if (err instanceof NotFoundError) throw new CliError('NOT_FOUND', err.message, { field: 'run' });
      throw err;
    }
    if (opts.out === undefined) {
      try {
        const written = await writeRows(rows, opts.format, io.stdout, { end: false });
        io.stderr(`exported ${written} rows of run ${opts.run}`);
      } catch (err) {
        // The reader stopped early (`| head`): what it wanted, it has.
        if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      }
      return;
    }
    const partial = `${opts.out}.partial`;
    try {
      const written = await writeRows(rows, opts.format, createWriteStream(partial));
      renameSync(partial, opts.out);
      io.stderr(`exported ${written} rows of run ${opts.run} to ${opts.out}`);
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
  } finally {
    await db.close();
  }
}
