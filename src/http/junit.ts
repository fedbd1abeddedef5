/**
 * A failure report as JUnit XML, the shape GitLab, Jenkins and the GitHub JUnit actions read:
 * testsuites > testsuite > testcase (> failure). One testcase per failing cell named by its
 * combination, one case counting the cells left out past the limit, and one passing case for all
 * other cells, so a clean run still reports a test.
 */
import type { FailureReport, FailingCell } from '../runs/failures';

/** Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped. */
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values keep their line breaks and tabs as character references (not normalised away). */
function attr(value: string | number): string {
  return text(String(value)).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function element(name: string, attrs: Record<string, string | number>, body?: string): string {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${attr(v)}"`).join('');
  return body === undefined ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
}

function seconds(run: FailureReport['run']): string {
  return run.startedAt && run.finishedAt ? ((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(3) : '0';
}

function failureOf(report: FailureReport, cell: FailingCell): string {
  const { combination, verdict, baselineVerdict } = cell;
  const message = baselineVerdict ? `${baselineVerdict} in run ${report.baseline!.id}, ${verdict} in run ${report.run.id}` : verdict;
  const details = [
    message,
    `combination: ${JSON.stringify(combination)}`,
    `explain: echo '${JSON.stringify(combination)}' | npx virtio-matrix explain --input -`,
  ].join('\n');
  return element('failure', { message, type: baselineVerdict ? 'REGRESSION' : verdict }, text(details));
}

/** `timestamp` is UTC without a zone, as the JUnit schema's pattern wants it. */
export function junitXml(report: FailureReport, limit: number): string {
  const { run, baseline } = report;
  const classname = `virtio-matrix.${run.matrixName}`;
  const cases = report.cells.map((cell) => `    ${element('testcase', { classname, name: cell.name, time: 0 }, failureOf(report, cell))}`);
  const leftOut = report.failing - report.cells.length;
  const what = report.criterion === 'regression' ? 'regressions' : 'failing cells';
  if (leftOut > 0) {
    const message = `${leftOut} more ${what} not listed (the report lists ${limit})`;
    const hint = `query them with GraphQL: ${report.criterion === 'regression'
      ? `compareRuns(base: "${baseline!.id}", head: "${run.id}", transitions: [REGRESSION])`
      : `cells(run: "${run.id}", filter: { verdict: [BROKEN, PROBE_FAILED] })`}`;
    cases.push(`    ${element('testcase', { classname, name: `${what} left out of this report`, time: 0 }, element('failure', { message, type: 'TRUNCATED' }, text(`${message}\n${hint}`)))}`);
  }
  const passing = report.judged - report.failing;
  const others = report.criterion === 'regression'
    ? `${passing} cells shared with run ${baseline!.id} without a regression`
    : `${passing} cells OK or DEGRADED`;
  // Names stay the same from run to run, so CI history follows them; counts go in the output.
  cases.push(`    ${element('testcase', { classname, name: 'all other cells', time: 0 }, element('system-out', {}, text(others)))}`);

  const failures = report.cells.length + (leftOut > 0 ? 1 : 0);
  const counts = { tests: cases.length, failures, errors: 0, skipped: 0, time: seconds(run) };
  const properties = [
    ['run', run.id], ['matrix', run.matrixName], ['criterion', report.criterion], ['baseline', baseline?.id ?? ''],
    ['cells judged', String(report.judged)], [what, String(report.failing)], ['profile hash', run.profileHash],
  ].map(([name, value]) => `      ${element('property', { name, value })}`);
  const suiteName = `${run.matrixName} run ${run.id}${baseline ? ` against run ${baseline.id}` : ''}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${Object.entries({ name: 'virtio-matrix', ...counts }).map(([k, v]) => `${k}="${attr(v)}"`).join(' ')}>`,
    `  <testsuite ${Object.entries({ name: suiteName, ...counts, timestamp: (run.finishedAt ?? run.createdAt).toISOString().slice(0, 19) }).map(([k, v]) => `${k}="${attr(v)}"`).join(' ')}>`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
