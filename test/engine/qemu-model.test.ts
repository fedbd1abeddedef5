/** Hypervisor values qemu-X.Y+ID: the QEMU vocabulary (offers, config byte order, legacy-allowed devices) applied as proposed changes. */
import {
  createPatchRegistry, evaluate, firstRegression, InvalidCombinationError, MatrixPlan, PatchDefinitionError, QEMU_CHANGES, resolveCombination,
  type CombinationInput, type Outcome,
} from '../../src/engine';
import { s390xBlk } from './helpers';

const rfc = QEMU_CHANGES.find((c) => c.effect === 'earlyModernDetect')!;
const registry = createPatchRegistry([], [
  { id: 'le-modern-config', title: 'config little endian on a modern interface', configByteOrder: 'modernInterface', source: 'MST in the Oct 2021 thread (fact sheet §0): "Any virtio 1.0 and up compatible device must use LE"' },
  { ...rfc, id: 'my-rfc' },
  { id: 'no-blk-size', title: 'blk stops offering BLK_SIZE by default', offers: [{ device: 'blk', remove: ['VIRTIO_BLK_F_BLK_SIZE'] }], source: 'test' },
  { id: 'legacy-crypto', title: 'crypto may be transitional', legacyAllowed: { add: ['crypto'] }, source: 'test' },
  { id: 'modern-only-blk', title: 'blk becomes modern-only', legacyAllowed: { remove: ['blk'] }, source: 'test' },
]);

const run = (input: CombinationInput): Outcome => evaluate(input, { patches: registry, trace: false });

function refusal(fn: () => unknown): { field?: string; reason?: string; path?: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidCombinationError) return { field: err.field, reason: err.reason };
    if (err instanceof PatchDefinitionError) return { path: err.path, reason: err.reason };
    throw err;
  }
  throw new Error('accepted');
}

test('configByteOrder modernInterface: the 2021 s390x misread is gone, since the modern interface alone makes config little endian', () => {
  expect(run(s390xBlk({ hypervisor: 'qemu-6.1' }))).toMatchObject({ verdict: 'BROKEN', validateReads: [{ driverValue: 1048576, deviceValue: 4096 }] });
  expect(run(s390xBlk({ hypervisor: 'qemu-6.1+le-modern-config' }))).toMatchObject({ verdict: 'OK', validateReads: [{ driverValue: 4096, deviceValue: 4096 }] });
  // A legacy device keeps the guest's order: nothing to change there.
  const legacy = { mode: 'legacy' } as const;
  expect(run(s390xBlk({ ...legacy, hypervisor: 'qemu-6.1+le-modern-config' })).negotiated).toEqual(run(s390xBlk({ ...legacy, hypervisor: 'qemu-6.1' })).negotiated);
});

test('the built-in RFC defined again and applied to its base (6.2) equals qemu-early-detect-rfc', () => {
  for (const arch of ['s390x', 'x86_64'] as const) for (const mode of ['legacy', 'transitional', 'modern'] as const) for (const blk_size of [512, 4096]) {
    const cell = s390xBlk({ arch, transport: arch === 's390x' ? 'ccw' : 'pci', mode, config: { blk_size } });
    const compared = ({ verdict, negotiated, validateReads, effective }: Outcome) => ({ verdict, negotiated, validateReads, effective });
    expect(compared(run({ ...cell, hypervisor: 'qemu-6.2+my-rfc' }))).toEqual(compared(run({ ...cell, hypervisor: 'qemu-early-detect-rfc' })));
  }
});

test('offers: a change that stops offering BLK_SIZE by default leaves validate() nothing to read', () => {
  const cell = s390xBlk({ config: {} });
  expect(run({ ...cell, hypervisor: 'qemu-6.1' }).offered).toContain('VIRTIO_BLK_F_BLK_SIZE');
  const changed = run({ ...cell, hypervisor: 'qemu-6.1+no-blk-size' });
  expect(changed.offered).not.toContain('VIRTIO_BLK_F_BLK_SIZE');
  expect(changed.validateReads).toEqual([]);
});

test('legacyAllowed: QEMU 7.2 refuses transitional crypto unless a change lists it, and refuses transitional blk once a change removes it', () => {
  const crypto = { arch: 'x86_64', transport: 'pci', device: 'crypto', mode: 'transitional', kernel: '6.1' };
  expect(refusal(() => resolveCombination({ ...crypto, hypervisor: 'qemu-7.2' }, { patches: registry })).field).toBe('mode');
  expect(resolveCombination({ ...crypto, hypervisor: 'qemu-7.2+legacy-crypto' }, { patches: registry }).hypervisor.name).toBe('qemu-7.2+legacy-crypto');
  const blk = { ...crypto, device: 'blk' };
  expect(() => resolveCombination({ ...blk, hypervisor: 'qemu-7.2' }, { patches: registry })).not.toThrow();
  expect(refusal(() => resolveCombination({ ...blk, hypervisor: 'qemu-7.2+modern-only-blk' }, { patches: registry })).field).toBe('mode');
});

test('unknown or repeated ids, built-in ids and ids with "+" are refused, naming the field', () => {
  expect(refusal(() => run(s390xBlk({ hypervisor: 'qemu-6.1+nope' })))).toMatchObject({ field: 'hypervisor', reason: expect.stringMatching(/unknown QEMU change "nope"/) });
  expect(refusal(() => evaluate(s390xBlk({ hypervisor: 'qemu-6.1+le-modern-config' })))).toMatchObject({ reason: expect.stringMatching(/no proposed QEMU changes were given/) });
  expect(refusal(() => run(s390xBlk({ hypervisor: 'qemu-6.1+my-rfc+my-rfc' }))).reason).toMatch(/applied twice/);
  expect(refusal(() => run(s390xBlk({ hypervisor: 'qemu-0.1+my-rfc' }))).reason).toMatch(/unknown hypervisor "qemu-0.1"/);
  expect(refusal(() => createPatchRegistry([], [{ ...rfc }]))).toMatchObject({ path: 'id', reason: expect.stringMatching(/built-in/) });
  expect(refusal(() => createPatchRegistry([], [{ ...rfc, id: 'a+b' }]))).toMatchObject({ path: 'id' });
  expect(refusal(() => createPatchRegistry([], [{ id: 'empty', title: 't', source: 's' }]))).toMatchObject({ path: 'effect', reason: expect.stringMatching(/at least one of/) });
});

test.each(['a b', 'x\ny', 'qemu-6.1/x', '-lead', 'q'.repeat(65)])('a proposed change id %j that a value, URL or log line cannot carry is refused at id, as a kernel patch id would be', (id) => {
  expect(refusal(() => createPatchRegistry([], [{ ...rfc, id }]))).toMatchObject({ path: 'id', reason: expect.stringMatching(/letters, digits/) });
});

test('an unknown id names at most 20 of the given ones and says how many more there are', () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ ...rfc, id: `change-${i}` }));
  const r = refusal(() => evaluate(s390xBlk({ hypervisor: 'qemu-6.1+nope' }), { patches: createPatchRegistry([], many), trace: false }));
  expect(r.reason).toMatch(/change-19 and 10 more$/);
  expect(r.reason).not.toMatch(/change-20/);
});

test('a matrix takes qemu-X.Y+ID as a plain hypervisor value', () => {
  const plan = new MatrixPlan({ archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1', 'qemu-6.1+le-modern-config'], kernels: ['5.14'], config: { blk_size: [4096] } }, { patches: registry });
  expect(plan.hypervisors.map((h) => h.name)).toEqual(['qemu-6.1', 'qemu-6.1+le-modern-config']);
  expect(plan.combinationAt(1).hypervisor).toBe('qemu-6.1+le-modern-config');
  expect(refusal(() => new MatrixPlan({ archs: ['s390x'], transports: ['ccw'], devices: ['blk'], modes: ['transitional'], hypervisors: ['qemu-6.1+nope'], kernels: ['5.14'] }, { patches: registry })).field).toBe('hypervisors');
});

test('firstRegression along HYPERVISOR walks a proposed change right after its base; the next release lacking it is where it regresses', () => {
  // Fact sheet §12: on s390x blk_size 512 reads as 131072 in validate, BLK_SIZE is dropped and the
  // guest uses 512-byte blocks (nothing breaks, a feature is lost). Read little endian, it is kept.
  const blk = s390xBlk({ config: { blk_size: 512 } });
  const verdict = (hypervisor: string) => run({ ...blk, hypervisor }).verdict;
  expect([verdict('qemu-6.1'), verdict('qemu-6.1+le-modern-config'), verdict('qemu-6.2')]).toEqual(['DEGRADED', 'OK', 'DEGRADED']);
  const r = firstRegression({ ...blk, hypervisor: 'qemu-6.1+le-modern-config' }, 'hypervisor', { patches: registry });
  expect(r.walked.slice(r.walked.indexOf('qemu-6.1'), r.walked.indexOf('qemu-6.1') + 3)).toEqual(['qemu-6.1', 'qemu-6.1+le-modern-config', 'qemu-6.2']);
  expect(r.found).toMatchObject({ before: 'qemu-6.1+le-modern-config', at: 'qemu-6.2', responsible: [{ id: 'le-modern-config', change: 'removed' }] });
});
