/**
 * Engine throughput with trace off, beside a plain reference loop over the same cells, and heap
 * while streaming 10 million combinations (the plan never holds them: memory must stay flat).
 */
import { MatrixPlan, Simulator, evaluate } from '../engine';
import { BE_CONFIG_2021 } from '../matrices/seed';

const STREAM = 10_000_000;

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Visit `count` valid cells, cycling over the plan; returns seconds taken. */
function stream(plan: MatrixPlan, count: number, visit: Parameters<MatrixPlan['forEachCell']>[2], onMillion?: () => void): number {
  const start = now();
  let done = 0;
  let nextMark = 1_000_000;
  while (done < count) {
    const chunk = Math.min(plan.size, 1_000_000);
    for (let from = 0; from < plan.size && done < count; from += chunk) {
      done += plan.forEachCell(from, Math.min(from + chunk, plan.size), visit);
      if (done >= nextMark) {
        onMillion?.();
        nextMark += 1_000_000;
      }
    }
  }
  return now() - start;
}

export function benchEngine(): void {
  const plan = new MatrixPlan(BE_CONFIG_2021);
  let valid = 0;
  plan.forEachCell(0, plan.size, () => valid++);
  console.log(`matrix be-config-2021: ${plan.size.toLocaleString()} positions, ${valid.toLocaleString()} valid cells`);

  // Reference: the same cells, with the minimal byte work a cell implies (one 4-byte store and load).
  const scratch = new DataView(new ArrayBuffer(8));
  let sink = 0;
  const refSeconds = stream(plan, 2_000_000, (cell) => {
    scratch.setUint32(0, cell.pageSize, cell.arch.endian === 'little');
    sink += scratch.getUint32(0, true) & 1;
  });
  const refRate = 2_000_000 / refSeconds;

  const sim = new Simulator();
  stream(plan, 1_000_000, (cell) => { sink += sim.run(cell, null); }); // warm-up
  global.gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  let rssPeak = process.memoryUsage().rss;
  const verdicts = [0, 0, 0, 0];
  const seconds = stream(plan, STREAM, (cell) => { verdicts[sim.run(cell, null)]++; }, () => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  });
  const rate = STREAM / seconds;

  const sample = 100_000;
  const tStart = now();
  let traced = 0;
  plan.forEachCell(0, plan.size, (_cell, index) => {
    if (traced < sample && index % 7 === 0) {
      evaluate(plan.combinationAt(index));
      traced++;
    }
  });
  const tracedRate = traced / (now() - tStart);

  const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`reference loop (same cells, one 4-byte store+load): ${(refRate / 1e6).toFixed(2)} M cells/s`);
  console.log(`engine, trace off: ${STREAM.toLocaleString()} combinations in ${seconds.toFixed(2)} s = ${(rate / 1e6).toFixed(2)} M combinations/s/core` +
    ` (goal >= 1.00 M/s: ${rate >= 1e6 ? 'met' : 'NOT met'}; ${(refRate / rate).toFixed(1)}x the reference loop's time per cell)`);
  console.log(`  verdicts: OK ${verdicts[0]} DEGRADED ${verdicts[1]} BROKEN ${verdicts[2]} PROBE_FAILED ${verdicts[3]}`);
  console.log(`  heap while streaming: start ${mib(heapStart)} MiB, peak ${mib(heapPeak)} MiB (growth ${mib(heapPeak - heapStart)} MiB); peak RSS ${mib(rssPeak)} MiB`);
  console.log(`full outcome with trace (evaluate()): ${Math.round(tracedRate).toLocaleString()} combinations/s`);
  if (sink === -1) console.log(sink);
}
