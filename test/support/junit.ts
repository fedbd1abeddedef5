/** JUnit XML read back the way CI report readers read it: well-formed first, then suites and cases. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface JUnitCase {
  classname: string;
  name: string;
  failure?: { message: string; type: string; text: string };
  systemOut?: string;
}

export interface JUnitReport {
  tests: number;
  failures: number;
  suite: { name: string; tests: number; failures: number; properties: Record<string, string> };
  cases: JUnitCase[];
}

export function parseJUnit(xml: string): JUnitReport {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  const doc = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '', textNodeName: '#text', parseAttributeValue: false, parseTagValue: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml);
  const root = doc.testsuites;
  const suites = root.testsuite as Record<string, unknown>[];
  if (suites.length !== 1) throw new Error(`expected one testsuite, got ${suites.length}`);
  const s = suites[0] as { name: string; tests: string; failures: string; properties: { property: { name: string; value: string }[] }; testcase: Record<string, unknown>[] };
  const cases = (s.testcase ?? []).map((c) => {
    const f = c.failure as { message: string; type: string; '#text'?: string } | undefined;
    return {
      classname: c.classname as string,
      name: c.name as string,
      ...(f ? { failure: { message: f.message, type: f.type, text: f['#text'] ?? '' } } : {}),
      ...(c['system-out'] !== undefined ? { systemOut: String(c['system-out']) } : {}),
    };
  });
  return {
    tests: Number(root.tests),
    failures: Number(root.failures),
    suite: {
      name: s.name, tests: Number(s.tests), failures: Number(s.failures),
      properties: Object.fromEntries(s.properties.property.map((p) => [p.name, p.value])),
    },
    cases,
  };
}
