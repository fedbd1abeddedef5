/**
 * Which positions of a matrix a probe run boots: every valid cell real software here can boot
 * with the kernel under test (planProbe decides), the others counted by reason.
 */
import { MatrixPlan, type MatrixSpec } from '../../engine';
import { otherKernel, planProbe, type Installed, type ProbePlan } from '../../probe/plan';

export type PlannedBoot = { position: number; plan: Extract<ProbePlan, { probeable: true }> };

export function planCells(spec: MatrixSpec, installed: Installed, diskImage: string): { boots: PlannedBoot[]; skipped: Record<string, number> } {
  const matrix = new MatrixPlan(spec);
  const boots: PlannedBoot[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const k = installed.kernelUnderTest;
  matrix.forEachCell(0, matrix.size, (cell, position) => {
    // Most cells of a large matrix are another kernel's: said without building a combination
    // (planProbe parses each one: 40 s instead of a few for the 6 million positions of be-config-2021).
    const other = k && otherKernel({ arch: cell.arch.name, strategy: cell.strategy, kernel: cell.kernelText }, k);
    if (other) return skip(other);
    const plan = planProbe(matrix.combinationAt(position), installed, diskImage);
    if (plan.probeable) boots.push({ position, plan });
    else skip(plan.reason);
  }, (_position, problem) => skip(`the combination cannot exist (${problem.field}: ${problem.reason})`));
  return { boots, skipped };
}
