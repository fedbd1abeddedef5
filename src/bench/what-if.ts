/**
 * What proposed patches cost: be-config-2021 with every kernel value given a proposed patch
 * (`K+ID`), planned and streamed beside the plain matrix in the same minute. `noop` changes no
 * rule, so its ratio is the machinery's own cost (patches compile into drivers once per plan, the
 * cell loop should not notice); `blk-size-check` adds a config read to many cells, so its ratio
 * is the cost of what the patch does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MatrixPlan, Simulator, createPatchRegistry, matrixSpecSchema } from '../engine';
import { BE_CONFIG_2021 } from '../matrices/seed';

const CELLS = 3_000_000;
const NOOP = { id: 'noop', title: 'changes nothing', mainline: '6.1', stable: [], role: 'change', source: 'bench' };

function seconds(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function stream(plan: MatrixPlan, sim: Simulator): number {
  let done = 0;
  let sink = 0;
  for (let from = 0; done < CELLS; from = (from + 1_000_000) % plan.size) {
    done += plan.forEachCell(from, Math.min(from + 1_000_000, plan.size), (cell) => { sink += sim.run(cell, null); });
  }
  return sink;
}

export function benchWhatIf(): void {
  const examples = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'what-if', 'patches.json'), 'utf8')) as unknown[];
  const patches = createPatchRegistry([...examples, NOOP]);
  const spec = matrixSpecSchema.parse(BE_CONFIG_2021);
  const timed = (id: string | null) => {
    let plan!: MatrixPlan;
    const planning = seconds(() => { plan = new MatrixPlan(id ? { ...spec, kernels: spec.kernels.map((k) => `${k}+${id}`) } : spec, { patches }); });
    return { id: id ?? 'plain', plan, planning, best: Infinity };
  };
  timed(null); // fills the device-setup cache every plan shares, so plan times compare what differs
  const runs = [timed(null), timed('noop'), timed('blk-size-check')];
  const sim = new Simulator();
  stream(runs[0].plan, sim); // warm-up
  // Alternated and the best of three each: the machine is shared, a neighbour's burst hits one side otherwise.
  for (let round = 0; round < 3; round++) for (const r of runs) r.best = Math.min(r.best, seconds(() => stream(r.plan, sim)));
  console.log(`what-if: be-config-2021 (${spec.kernels.length} kernel values), every kernel K as K+ID; ${CELLS.toLocaleString()} cells, trace off, best of 3`);
  for (const r of runs) {
    console.log(`  ${r.id}: plan ${(r.planning * 1000).toFixed(0)} ms, ${(CELLS / r.best / 1e6).toFixed(2)} M cells/s (time ratio to plain ${(r.best / runs[0].best).toFixed(2)})`);
  }
}
