/** JUnit XML as evidence: counts from suite attributes or test cases, passed = no failures or errors, refusals exit 2. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliFailure, EXIT_USAGE } from './exit-codes.js';
import { junitEvidence, MAX_JUNIT_BYTES, readJUnitReport } from './junit-report.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('junitEvidence', () => {
  it.each([
    [
      'suites with attributes, summed',
      '<?xml version="1.0"?><testsuites><testsuite name="a" tests="400" failures="0" errors="0" skipped="3"/><testsuite name="b" tests="12" failures="0" errors="0"/></testsuites>',
      true,
      '412 tests, 0 failures, 0 errors, 3 skipped',
    ],
    ['a single root suite with a failure', '<testsuite tests="5" failures="1" errors="0" skipped="0"/>', false, '5 tests, 1 failures, 0 errors, 0 skipped'],
    [
      'counted from test cases when the suite states no totals',
      '<testsuites><testsuite name="x"><testcase name="a"/><testcase name="b"><error message="boom"/></testcase><testcase name="c"><skipped/></testcase></testsuite></testsuites>',
      false,
      '3 tests, 0 failures, 1 errors, 1 skipped',
    ],
    ['nested suites', '<testsuites><testsuite name="outer"><testsuite name="inner" tests="2" failures="0" errors="0"/><testcase name="t"/></testsuite></testsuites>', true, '3 tests, 0 failures, 0 errors, 0 skipped'],
    ['disabled counts as skipped', '<testsuite tests="2" failures="0" errors="0" disabled="1"/>', true, '2 tests, 0 failures, 0 errors, 1 skipped'],
  ])('%s', (_name, xml, passed, summary) => {
    expect(junitEvidence(xml)).toMatchObject({ passed, summary });
  });

  it.each([
    ['an empty <testsuites/>', '<testsuites/>'],
    ['a suite stating 0 tests', '<testsuite tests="0" failures="0" errors="0"/>'],
    ['suites with no test case', '<testsuites><testsuite name="a"/><testsuite name="b"></testsuite></testsuites>'],
  ])('%s holds no test: a usage failure (exit 2), never passed', (_name, xml) => {
    expect(() => junitEvidence(xml, 'report.xml')).toThrow(expect.objectContaining({ exitCode: EXIT_USAGE, message: 'report.xml: the JUnit report holds no test' }));
  });

  it.each([
    ['not XML', 'tests: 3, failures: 0'],
    ['broken XML', '<testsuites><testsuite></testsuites>'],
    ['XML of another kind', '<project><name>x</name></project>'],
  ])('%s → a usage failure (exit 2) in one line', (_name, text) => {
    let failure: unknown;
    try {
      junitEvidence(text, 'report.xml');
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CliFailure);
    expect((failure as CliFailure).exitCode).toBe(EXIT_USAGE);
    expect((failure as CliFailure).message).toMatch(/^report\.xml is not JUnit XML: /);
    expect((failure as CliFailure).message).not.toContain('\n');
  });
});

describe('readJUnitReport', () => {
  it('reads a file', async () => {
    const file = join(dir, 'ok.xml');
    writeFileSync(file, '<testsuite tests="1" failures="0" errors="0"/>');
    expect((await readJUnitReport(file)).passed).toBe(true);
  });

  it('refuses a missing file and one beyond the size bound, without reading it', async () => {
    await expect(readJUnitReport(join(dir, 'missing.xml'))).rejects.toMatchObject({ exitCode: EXIT_USAGE, message: expect.stringMatching(/cannot read JUnit report .*ENOENT/) });
    const big = join(dir, 'big.xml');
    writeFileSync(big, '');
    truncateSync(big, MAX_JUNIT_BYTES + 1);
    await expect(readJUnitReport(big)).rejects.toMatchObject({ exitCode: EXIT_USAGE, message: expect.stringMatching(/at most 52428800 are read/) });
  });

  it('refuses a character device (size 0, endless) without reading it', async () => {
    await expect(readJUnitReport('/dev/zero')).rejects.toMatchObject({ exitCode: EXIT_USAGE, message: 'JUnit report /dev/zero is not a regular file' });
  });

  it('refuses a directory', async () => {
    await expect(readJUnitReport(dir)).rejects.toMatchObject({ exitCode: EXIT_USAGE, message: `JUnit report ${dir} is not a regular file` });
  });

  it.runIf(process.platform !== 'win32')('refuses a FIFO without waiting for a writer', async () => {
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readJUnitReport(fifo)).rejects.toMatchObject({ exitCode: EXIT_USAGE, message: `JUnit report ${fifo} is not a regular file` });
  });
});
