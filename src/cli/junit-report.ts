/**
 * `ferry evidence add --junit FILE`: a JUnit XML report as evidence. Passed means no
 * failures and no errors; the summary reads "412 tests, 0 failures, 0 errors, 3 skipped".
 * Counts come from each <testsuite>'s attributes when it has them (what JUnit, pytest,
 * Jest and Maven write), else from its <testcase> children; nested suites are summed.
 * The file must be a regular file (a FIFO or device reports size 0 and never ends), is
 * read through one handle with a byte cap, must parse as XML with a <testsuites> or
 * <testsuite> root and must hold at least one test (an empty report proves nothing), else
 * the command stops with exit 2 and one line.
 */
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { usageFailure } from './exit-codes.js';

/** Reports beyond this are refused rather than read into memory. */
export const MAX_JUNIT_BYTES = 50 * 1024 * 1024;

export interface JUnitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export interface JUnitEvidence {
  passed: boolean;
  summary: string;
  counts: JUnitCounts;
}

type XmlNode = Record<string, unknown>;

/** Reads and summarises `file`; a missing, oversized, non-regular, empty or non-JUnit file is a usage failure (exit 2). */
export async function readJUnitReport(file: string): Promise<JUnitEvidence> {
  const unreadable = (error: unknown) => usageFailure(`cannot read JUnit report ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  // Checked before opening: opening a FIFO would wait for a writer.
  const before = await stat(file).catch((error: unknown) => {
    throw unreadable(error);
  });
  if (!before.isFile()) throw notRegularFile(file);
  if (before.size > MAX_JUNIT_BYTES) throw usageFailure(`JUnit report ${file} is ${before.size} bytes; at most ${MAX_JUNIT_BYTES} are read`);
  // O_NONBLOCK: should the path turn into a FIFO between stat and open, open does not hang either.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: unknown) => {
    throw unreadable(error);
  });
  try {
    if (!(await handle.stat()).isFile()) throw notRegularFile(file);
    return junitEvidence(await readCapped(handle, file), file);
  } finally {
    await handle.close();
  }
}

function notRegularFile(file: string) {
  return usageFailure(`JUnit report ${file} is not a regular file`);
}

/** At most MAX_JUNIT_BYTES of the file, whatever its size said: one byte more is a refusal. */
async function readCapped(handle: FileHandle, file: string): Promise<string> {
  const buffer = Buffer.alloc(64 * 1024);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > MAX_JUNIT_BYTES) throw usageFailure(`JUnit report ${file} is over ${MAX_JUNIT_BYTES} bytes; at most ${MAX_JUNIT_BYTES} are read`);
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** The evidence a report's text gives; `name` only labels the failure message. A report of no test is refused. */
export function junitEvidence(xml: string, name = 'the report'): JUnitEvidence {
  const counts = countReport(xml, name);
  // Zero tests with zero failures would read as passed: a broken test run must not admit a release.
  if (counts.tests === 0) throw usageFailure(`${name}: the JUnit report holds no test`);
  const passed = counts.failures === 0 && counts.errors === 0;
  const summary = `${counts.tests} tests, ${counts.failures} failures, ${counts.errors} errors, ${counts.skipped} skipped`;
  return { passed, summary, counts };
}

function countReport(xml: string, name: string): JUnitCounts {
  const notJUnit = (why: string) => usageFailure(`${name} is not JUnit XML: ${why}`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw notJUnit(`${valid.err.msg.replace(/\s+/g, ' ').slice(0, 160)} (line ${valid.err.line})`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: false, isArray: (tag) => tag === 'testsuite' || tag === 'testcase' });
  const doc = parser.parse(xml) as XmlNode;
  // A self-closing <testsuites/> parses as '': a report of no suites.
  if (doc.testsuites !== undefined) return sumSuites(isNode(doc.testsuites) ? asArray(doc.testsuites.testsuite) : []);
  const suites = asArray(doc.testsuite);
  if (suites.length > 0) return sumSuites(suites);
  throw notJUnit('its root element is neither <testsuites> nor <testsuite>');
}

function sumSuites(suites: XmlNode[]): JUnitCounts {
  return suites.map(countSuite).reduce(add, { tests: 0, failures: 0, errors: 0, skipped: 0 });
}

/** A suite's own attributes when it states `tests`, else its nested suites and test cases counted. */
function countSuite(suite: XmlNode): JUnitCounts {
  if (suite['@tests'] !== undefined) {
    return { tests: int(suite['@tests']), failures: int(suite['@failures']), errors: int(suite['@errors']), skipped: int(suite['@skipped'] ?? suite['@disabled']) };
  }
  const cases = asArray(suite.testcase).map((c) => ({ tests: 1, failures: has(c, 'failure'), errors: has(c, 'error'), skipped: has(c, 'skipped') }));
  return [...cases, sumSuites(asArray(suite.testsuite))].reduce(add, { tests: 0, failures: 0, errors: 0, skipped: 0 });
}

function add(a: JUnitCounts, b: JUnitCounts): JUnitCounts {
  return { tests: a.tests + b.tests, failures: a.failures + b.failures, errors: a.errors + b.errors, skipped: a.skipped + b.skipped };
}

function has(testcase: XmlNode, child: string): number {
  return testcase[child] !== undefined ? 1 : 0;
}

function int(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null;
}

/** A self-closing element parses as '' and a repeated one as an array; both become nodes. */
function asArray(value: unknown): XmlNode[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.map((item) => (isNode(item) ? item : {}));
}
