/**
 * Which positions of a matrix a probe run boots: every valid cell real software here can boot
 * with the kernel under test (planProbe decides), the others counted by reason.
 */
import { MatrixPlan, type MatrixSpec } from '../../engine';
import { planProbe, type Installed, type ProbePlan } from '../../probe/plan';

export type PlannedBoot = { position: number; plan: Extract<ProbePlan, { probeable: true }> };

export function planCells(spec: MatrixSpec, installed: Installed, diskImage: string): { boots: PlannedBoot[]; skipped: Record<string, number> } {
  const matrix = new MatrixPlan(spec);
  const boots: PlannedBoot[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  matrix.forEachCell(0, matrix.size, (_cell, position) => {
    const plan = planProbe(matrix.combinationAt(position), installed, diskImage);
    if (plan.probeable) boots.push({ position, plan });
    else skip(plan.reason);
  }, (_position, problem) => skip(`the combination cannot exist (${problem.field}: ${problem.reason})`));
  return { boots, skipped };
}
