/**
 * `virtio-matrix probe`: for each combination, boot it if real software here can, read what
 * the guest and QEMU decided, and set it beside the engine's prediction. With `record`, each
 * boot is written as a fixture (raw report, QMP answers, command, package versions, and for a
 * source-built kernel its build id, image hash and patches).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boot } from './boot';
import { compare, type Comparison } from './compare';
import type { ProbeInstall } from './installed';
import { planProbe, type ProbePlan, type SourceBuiltKernel } from './plan';
import { parseReport, BEGIN, END } from './report';

/** The kernel a boot ran, when it was built from source: what a fixture and a result name. */
export type BootedKernel = Pick<SourceBuiltKernel, 'id' | 'linuxVersion' | 'imageSha256' | 'patches'>;

export type ProbeResult =
  | ({ probeable: true; seconds: number; guestLog: string[]; sourceBuilt?: BootedKernel } & Comparison)
  | { probeable: false; combination: unknown; reason: string }
  | { probeable: true; combination: unknown; error: string; agree: false };

export interface ProbeOptions {
  /** Write each boot as a fixture here. */
  recordDir?: string;
  /** Boots at once (each guest is one TCG thread). */
  concurrency?: number;
  log?: (line: string) => void;
}

/** The QOM id planProbe gives each device, and its virtio device id (what the guest reports). */
export const QOM_ID: Record<string, string> = { blk: 'blk0', net: 'net0' };
export const VIRTIO_ID: Record<string, number> = { blk: 2, net: 1 };

export async function probe(inputs: unknown[], installed: ProbeInstall, options: ProbeOptions = {}): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(inputs.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, inputs.length)) }, async () => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await probeOne(planProbe(inputs[i], installed, installed.diskImage), installed, options);
    }
  });
  await Promise.all(workers);
  return results;
}

async function probeOne(plan: ProbePlan, installed: ProbeInstall, options: ProbeOptions): Promise<ProbeResult> {
  if (!plan.probeable) return { probeable: false, combination: plan.combination, reason: plan.reason };
  const c = plan.combination;
  const kernel = plan.sourceBuilt ? { id: plan.sourceBuilt.id, linuxVersion: plan.sourceBuilt.linuxVersion, imageSha256: plan.sourceBuilt.imageSha256, patches: plan.sourceBuilt.patches } : undefined;
  options.log?.(`booting ${c.arch} ${c.transport} ${c.device} ${c.mode} ${JSON.stringify(c.config)} on Linux ${c.kernel} ${kernel ? `(${c.strategy}, built from source)` : '(packaged)'}`);
  const run = await boot(plan.binary, plan.args);
  const report = parseReport(run.console);
  const device = report.devices.find((d) => d.deviceId === VIRTIO_ID[c.device]);
  const qmp = run.qmp[QOM_ID[c.device]] ?? null;
  if (!run.console.includes(END) || !device) {
    return { probeable: true, combination: c, agree: false, error: `no guest report for the ${c.device} device (exit ${run.exitCode}); console tail: ${run.console.slice(-400)}` };
  }
  const comparison = compare(c, device, qmp);
  if (options.recordDir) {
    mkdirSync(options.recordDir, { recursive: true });
    const name = fixtureName(c, kernel !== undefined);
    const reportText = run.console.split(BEGIN)[1]?.split(END)[0]?.trim() ?? '';
    writeFileSync(join(options.recordDir, `${name}.json`), JSON.stringify({
      name, recorded: `${new Date().toISOString()} by virtio-matrix probe --record`, packages: installed.packages, ...(kernel ? { sourceBuilt: kernel } : {}), command: run.command,
      devices: { [QOM_ID[c.device]]: { combination: c, virtio: `0x${VIRTIO_ID[c.device].toString(16).padStart(4, '0')}` } },
      report: reportText + '\n', qmp: run.qmp,
    }, null, 1) + '\n');
  }
  // The drivers' kernel messages (virtio, the vd*/eth* devices): errors a verdict alone would hide.
  return { probeable: true, seconds: run.seconds, guestLog: report.dmesg, ...(kernel ? { sourceBuilt: kernel } : {}), ...comparison };
}

/** s390x-ccw-net-transitional-mtu-1280, with `-linux-6.1.192-pre-fix` for a source-built kernel. */
function fixtureName(c: ProbePlan['combination'], sourceBuilt: boolean): string {
  const config = Object.entries(c.config).map(([k, v]) => `${k}-${v}`).join('-');
  return [c.arch, c.transport, c.device, c.mode, config, ...(sourceBuilt ? ['linux', c.kernel, c.strategy] : [])].filter(Boolean).join('-');
}
