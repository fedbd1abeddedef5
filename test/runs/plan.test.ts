/** A run's plan: made once per planKey and shared by whoever asks (views, queue, workers). */
import { MatrixPlan } from '../../src/engine';
import { offerPlan, planOf } from '../../src/runs/plan';
import { planKey, type PlanSource } from '../../src/runs/plan-key';

const spec = {
  archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], backends: ['qemu'], hypervisors: ['qemu-6.1'],
  kernels: ['5.14', '5.15'], strategies: ['pre-fix', 'write-back'], config: { blk_size: [512, 4096] },
};

test('When two runs have equal plan keys, then planOf gives both the same plan; another spec gets its own', () => {
  const a: PlanSource = { spec, profileHash: 'h1', whatIf: null };
  const b: PlanSource = { spec: { ...spec }, profileHash: 'h2', whatIf: null }; // no user patches: the profile hash does not count
  expect(planKey(a)).toBe(planKey(b));
  expect(planOf(b)).toBe(planOf(a));
  const other = planOf({ spec: { ...spec, kernels: ['5.14'] }, profileHash: 'h1', whatIf: null });
  expect(other).not.toBe(planOf(a));
  expect(other.size).toBe(planOf(a).size / 2);
});

test('When a plan is offered for a key planOf has not made, then planOf gives that plan; an offer for a key it has is ignored', () => {
  const fresh: PlanSource = { spec: { ...spec, strategies: ['ack-all'] }, profileHash: 'h', whatIf: null };
  const offered = new MatrixPlan(fresh.spec);
  offerPlan(fresh, offered);
  expect(planOf(fresh)).toBe(offered);
  offerPlan(fresh, new MatrixPlan(fresh.spec));
  expect(planOf(fresh)).toBe(offered);
});
