/**
 * `virtio-matrix probe`: for each combination, boot it if real software here can, read what
 * the guest and QEMU decided, and set it beside the engine's prediction. With `record`, each
 * boot is written as a fixture (raw report, QMP answers, command, package versions).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boot } from './boot';
import { compare, type Comparison } from './compare';
import type { ProbeInstall } from './installed';
import { planProbe } from './plan';
import { parseReport, BEGIN, END } from './report';

export type ProbeResult =
  | ({ probeable: true; seconds: number; guestLog: string[] } & Comparison)
  | { probeable: false; combination: unknown; reason: string }
  | { probeable: true; combination: unknown; error: string; agree: false };

const QOM_ID: Record<string, string> = { blk: 'blk0', net: 'net0' };
const VIRTIO_ID: Record<string, number> = { blk: 2, net: 1 };

export async function probe(inputs: unknown[], installed: ProbeInstall, recordDir?: string, log: (line: string) => void = () => undefined): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const input of inputs) {
    const plan = planProbe(input, installed, installed.diskImage);
    if (!plan.probeable) {
      results.push({ probeable: false, combination: plan.combination, reason: plan.reason });
      continue;
    }
    const c = plan.combination;
    log(`booting ${c.arch} ${c.transport} ${c.device} ${c.mode} ${JSON.stringify(c.config)}`);
    const run = await boot(plan.binary, plan.args);
    const report = parseReport(run.console);
    const device = report.devices.find((d) => d.deviceId === VIRTIO_ID[c.device]);
    const qmp = run.qmp[QOM_ID[c.device]] ?? null;
    if (!run.console.includes(END) || !device) {
      results.push({ probeable: true, combination: c, agree: false, error: `no guest report for the ${c.device} device (exit ${run.exitCode}); console tail: ${run.console.slice(-400)}` });
      continue;
    }
    const comparison = compare(c, device, qmp);
    // The drivers' kernel messages (virtio, the vd*/eth* devices): errors a verdict alone would hide.
    results.push({ probeable: true, seconds: run.seconds, guestLog: report.dmesg, ...comparison });
    if (recordDir) {
      mkdirSync(recordDir, { recursive: true });
      const config = Object.entries(c.config).map(([k, v]) => `${k}-${v}`).join('-');
      const name = [c.arch, c.transport, c.device, c.mode, config].filter(Boolean).join('-');
      const reportText = run.console.split(BEGIN)[1]?.split(END)[0]?.trim() ?? '';
      writeFileSync(join(recordDir, `${name}.json`), JSON.stringify({
        name, recorded: `${new Date().toISOString()} by npm run probe`, packages: installed.packages, command: run.command,
        devices: { [QOM_ID[c.device]]: { combination: c, virtio: `0x${VIRTIO_ID[c.device].toString(16).padStart(4, '0')}` } },
        report: reportText + '\n', qmp: run.qmp,
      }, null, 1) + '\n');
    }
  }
  return results;
}
