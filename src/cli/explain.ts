/** A readable, step-by-step account of one outcome, for a person at a terminal. */
import type { Outcome } from '../engine';

export function explainOutcome(o: Outcome): string {
  const c = o.combination;
  const lines: string[] = [];
  lines.push(`${c.arch} ${c.transport} ${c.device} (${c.mode}, ${c.backend}) on ${c.hypervisor}, Linux ${c.kernel} [${c.strategy}]` +
    (Object.keys(c.config).length ? ` config ${JSON.stringify(c.config)}` : ''));
  lines.push(`verdict: ${o.verdict}`);
  lines.push('');
  for (const step of o.trace ?? []) {
    lines.push(`${String(step.seq).padStart(3)}  ${step.phase.padEnd(11)} ${step.actor.padEnd(9)} ${step.action}: ${step.detail}`);
  }
  lines.push('');
  for (const r of o.validateReads) {
    const mark = r.driverValue === r.deviceValue ? 'ok' : 'MISREAD';
    lines.push(`validate read ${r.field}: bytes ${r.bytes} → driver ${r.driverValue}, device meant ${r.deviceValue} (${mark})`);
  }
  const eff = Object.entries(o.effective).map(([k, v]) => `${k}=${v}`).join(' ');
  if (eff) lines.push(`guest uses: ${eff}`);
  lines.push(`negotiated: ${o.negotiated.join(' ') || '(none)'}`);
  if (o.clearedInValidate.length) lines.push(`cleared in validate(): ${o.clearedInValidate.join(' ')}`);
  lines.push(`device status: ${o.deviceStatus.join(' ')}`);
  lines.push(`patches: ${o.patches.join(' ') || '(none)'}`);
  lines.push('');
  for (const r of o.reasons) lines.push(`- ${r}`);
  return lines.join('\n');
}
