/**
 * One planned cell booted for a probe run: a timeout per boot, and a boot that did not yield a
 * guest report (QEMU did not start, exited without one, timed out) retried once, since on a
 * loaded machine that is the infrastructure, not the kernel. A guest that reports but does not
 * list the device is a guest failure (its kernel has no driver for it): booting again shows the
 * same, so it is not retried.
 */
import { boot, type BootResult } from './boot';
import { compare, type Comparison } from './compare';
import type { ProbePlan } from './plan';
import { END, parseReport } from './report';
import { QOM_ID, VIRTIO_ID } from './run';

export type BootFailure = 'infrastructure' | 'guest';

export interface CellBoot {
  attempts: number;
  /** All attempts together. */
  seconds: number;
  /** The last attempt's console. */
  console: string;
  result: Pick<Comparison, 'observed' | 'predicted' | 'agree' | 'differences'> | { failure: BootFailure; reason: string };
}

export interface CellBootOptions {
  timeoutSeconds: number;
  /** Attempts after an infrastructure failure (default 1). */
  retries?: number;
}

type Probeable = Extract<ProbePlan, { probeable: true }>;

function classify(plan: Probeable, run: BootResult, timeoutSeconds: number): CellBoot['result'] {
  const c = plan.combination;
  if (run.spawnError) return { failure: 'infrastructure', reason: `QEMU did not start: ${run.spawnError}` };
  if (!run.console.includes(END)) {
    if (run.timedOut) return { failure: 'infrastructure', reason: `no guest report within ${timeoutSeconds} s` };
    return { failure: 'infrastructure', reason: `QEMU exited (status ${run.exitCode}) without a guest report` };
  }
  const device = parseReport(run.console).devices.find((d) => d.deviceId === VIRTIO_ID[c.device]);
  if (!device) return { failure: 'guest', reason: `the guest reported no virtio ${c.device} device: its kernel has no driver or transport for it` };
  const { observed, predicted, agree, differences } = compare(c, device, run.qmp[QOM_ID[c.device]] ?? null);
  return { observed, predicted, agree, differences };
}

export async function bootCell(plan: Probeable, options: CellBootOptions): Promise<CellBoot> {
  const retries = options.retries ?? 1;
  let seconds = 0;
  for (let attempt = 1; ; attempt++) {
    const run = await boot(plan.binary, plan.args, options.timeoutSeconds);
    seconds += run.seconds;
    const result = classify(plan, run, options.timeoutSeconds);
    const infrastructure = 'failure' in result && result.failure === 'infrastructure';
    if (!infrastructure || attempt > retries) return { attempts: attempt, seconds, console: run.console, result };
  }
}
