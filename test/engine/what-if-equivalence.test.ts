/**
 * A built-in patch defined again under another id and applied to the kernel just before it must
 * behave as the kernel that really has it: 82e89ea077b9 entered mainline in 5.14-rc7 (fact sheet §0),
 * so 5.14-rc6+blk-size-check is 5.14-rc7 for every blk cell.
 */
import { ARCH_NAMES, createPatchRegistry, evaluate, InvalidCombinationError, KERNEL_PATCHES, MODES, TRANSPORT_NAMES, type Outcome } from '../../src/engine';

const registry = createPatchRegistry([{ ...KERNEL_PATCHES.find((p) => p.id === '82e89ea077b9')!, id: 'blk-size-check' }]);
// ff63198850f3 reverts 82e89ea077b9 by id, not a copy of it: the revert strategy is where the two may differ.
const STRATEGIES = ['as-shipped', 'pre-fix', 'write-back', 'ack-all'] as const;
const BLK_SIZES = [256, 512, 1024, 4096, 8192, 65536, 131072];
const HYPERVISORS = ['qemu-6.1', 'qemu-7.2', 'qemu-early-detect-rfc'];

function outcomeOrRefusal(input: object, withPatches: boolean): Outcome | string {
  try {
    return evaluate(input, { trace: false, ...(withPatches ? { patches: registry } : {}) });
  } catch (err) {
    if (err instanceof InvalidCombinationError) return `${err.field}: ${err.reason}`;
    throw err;
  }
}

const compared = (o: Outcome | string) =>
  typeof o === 'string' ? o : { verdict: o.verdict, negotiated: o.negotiated, validateReads: o.validateReads, effective: o.effective, deviceStatus: o.deviceStatus };

test('5.14-rc6+blk-size-check equals 5.14-rc7 for blk across archs, transports, modes, hypervisors, strategies and blk_size values', () => {
  let cells = 0;
  const verdicts = new Set<string>();
  for (const arch of ARCH_NAMES) for (const transport of TRANSPORT_NAMES) for (const mode of MODES) for (const hypervisor of HYPERVISORS)
    for (const strategy of STRATEGIES) for (const blk_size of BLK_SIZES) {
      const base = { arch, transport, device: 'blk', mode, hypervisor, strategy, config: { blk_size } };
      const proposed = outcomeOrRefusal({ ...base, kernel: '5.14-rc6+blk-size-check' }, true);
      const real = outcomeOrRefusal({ ...base, kernel: '5.14-rc7' }, false);
      expect({ ...base, outcome: compared(proposed) }).toEqual({ ...base, outcome: compared(real) });
      if (typeof real !== 'string') {
        cells++;
        verdicts.add(real.verdict);
      }
    }
  // Not a vacuous comparison: valid cells were compared, and the check made some of them go wrong.
  expect(cells).toBeGreaterThan(500);
  expect(verdicts).toEqual(new Set(['OK', 'BROKEN', 'DEGRADED', 'PROBE_FAILED']));
});

test('the compared cells differ from 5.14-rc6 without the patch: the check is what made them differ', () => {
  const s390x = { arch: 's390x', transport: 'ccw', device: 'blk', mode: 'transitional', hypervisor: 'qemu-6.1', config: { blk_size: 4096 } };
  expect(outcomeOrRefusal({ ...s390x, kernel: '5.14-rc6' }, false)).toMatchObject({ verdict: 'OK' });
  expect(outcomeOrRefusal({ ...s390x, kernel: '5.14-rc6+blk-size-check' }, true)).toMatchObject({ verdict: 'BROKEN' });
});
