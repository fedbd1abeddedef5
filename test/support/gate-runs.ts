/**
 * Real runs to gate on, and what the engine says they must contain.
 *
 * compareRuns pairs identical combinations, so two runs of one engine never disagree: a regression
 * between runs comes from an engine whose profiles changed in between. `prepareEngineChange`
 * stores such a baseline: a real run of the matrix with the write-back remedy in the pre-fix
 * kernels (a run of strategy write-back), filed as run 1 of the pre-fix matrix "gate". Runs of
 * "gate" made afterwards by today's engine regress wherever pre-fix is worse than write-back.
 */
import { openDatabase } from '../../src/db/database';
import { createMatrix } from '../../src/db/matrices';
import { InvalidCombinationError, MatrixPlan, VERDICTS, evaluate, type Combination, type MatrixSpecInput, type Verdict } from '../../src/engine';
import { createServices } from '../../src/services';
import { cellName } from '../../src/runs/failures';
import { startRun } from '../../src/runs/commands';

export const GATE_SPEC: MatrixSpecInput = {
  archs: ['s390x', 'x86_64'], transports: ['ccw', 'pci'], devices: ['blk', 'net'], modes: ['transitional', 'legacy'],
  hypervisors: ['qemu-6.1'], kernels: ['5.14', '5.15'], strategies: ['pre-fix'], config: { blk_size: [512, 4096], mtu: [1280, 9000] },
};

/** Run 1 of matrix "gate", as an engine with the write-back remedy in pre-fix kernels would have stored it. */
export async function prepareEngineChange(databaseUrl: string): Promise<void> {
  const db = await openDatabase(databaseUrl);
  const { services, queue } = createServices(db);
  try {
    const gateMatrix = await createMatrix(db, { name: 'gate', spec: GATE_SPEC });
    await createMatrix(db, { name: 'gate-as-other-engine', spec: { ...GATE_SPEC, strategies: ['write-back'] } });
    const run = await startRun(services.runDeps, 'gate-as-other-engine', 'test: the other engine');
    await queue.idle();
    await db.prisma.run.update({ where: { id: Number(run.id) }, data: { matrixId: gateMatrix.id, spec: JSON.stringify({ ...gateMatrix.spec }) } });
  } finally {
    await queue.close();
    await db.close();
  }
}

export interface EngineCell {
  name: string;
  combination: Combination;
  verdict: Verdict;
}

/** Every cell of a spec that exists, with today's engine verdict. */
export function engineCells(spec: MatrixSpecInput): EngineCell[] {
  const plan = new MatrixPlan(spec);
  const out: EngineCell[] = [];
  for (let p = 0; p < plan.size; p++) {
    const combination = plan.combinationAt(p);
    try {
      out.push({ name: cellName(combination), combination, verdict: evaluate(combination, { trace: false }).verdict });
    } catch (err) {
      if (!(err instanceof InvalidCombinationError)) throw err;
    }
  }
  return out;
}

const SEVERITY: Record<Verdict, number> = { OK: 0, DEGRADED: 1, BROKEN: 2, PROBE_FAILED: 2 };

/** Cells of "gate" worse under today's engine than under the one that stored run 1, with both verdicts. */
export function expectedRegressions(): Map<string, { before: Verdict; after: Verdict }> {
  const out = new Map<string, { before: Verdict; after: Verdict }>();
  for (const cell of engineCells(GATE_SPEC)) {
    const before = evaluate({ ...cell.combination, strategy: 'write-back' }, { trace: false }).verdict;
    if (SEVERITY[cell.verdict] > SEVERITY[before]) out.set(cell.name, { before, after: cell.verdict });
  }
  return out;
}

export const isFailing = (v: Verdict) => v === 'BROKEN' || v === 'PROBE_FAILED';
export { VERDICTS };
