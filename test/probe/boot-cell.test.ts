/**
 * How a probe run's boot is classified when it yields no guest report: real processes stand in
 * for a QEMU that cannot start, exits at once, or hangs (no guest is booted).
 */
import { bootCell } from '../../src/probe/boot-cell';
import type { ProbePlan } from '../../src/probe/plan';

type Probeable = Extract<ProbePlan, { probeable: true }>;

function planWith(binary: string, args: string[]): Probeable {
  return {
    probeable: true, binary, args, kernelImage: '/dev/null',
    combination: { arch: 's390x', transport: 'ccw', device: 'net', mode: 'transitional', backend: 'qemu', hypervisor: 'qemu-7.2', kernel: '6.1.192', strategy: 'pre-fix', config: { mtu: 1280 }, pageSize: 4096 },
  } as Probeable;
}

test('When QEMU cannot start, then the cell is an infrastructure failure, retried once', async () => {
  const boot = await bootCell(planWith('/nonexistent/qemu-system-s390x', []), { timeoutSeconds: 5 });
  expect(boot.attempts).toBe(2);
  expect(boot.result).toEqual({ failure: 'infrastructure', reason: expect.stringMatching(/^QEMU did not start: .*ENOENT/) });
});

test('When the process exits without a guest report, then an infrastructure failure naming its status, and the console is kept', async () => {
  const boot = await bootCell(planWith('/bin/sh', ['-c', 'echo "Kernel panic - not syncing"; exit 3']), { timeoutSeconds: 5 });
  expect(boot.attempts).toBe(2);
  expect(boot.result).toEqual({ failure: 'infrastructure', reason: 'QEMU exited (status 3) without a guest report' });
  expect(boot.console).toContain('Kernel panic');
});

test('When a boot hangs past its timeout, then it is killed and counted as an infrastructure failure; with no retries it is tried once', async () => {
  const started = Date.now();
  const boot = await bootCell(planWith('/bin/sh', ['-c', 'sleep 30']), { timeoutSeconds: 1, retries: 0 });
  expect(boot.attempts).toBe(1);
  expect(boot.result).toEqual({ failure: 'infrastructure', reason: 'no guest report within 1 s' });
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('When the guest reports but not the device, then a guest failure, not retried', async () => {
  const report = '===VPROBE-BEGIN===\nmeta kernel=6.1.192\n===VPROBE-END===';
  const boot = await bootCell(planWith('/bin/sh', ['-c', `printf '%s\\n' '${report}'`]), { timeoutSeconds: 5 });
  expect(boot.attempts).toBe(1);
  expect(boot.result).toMatchObject({ failure: 'guest', reason: expect.stringContaining('no virtio net device') });
});
