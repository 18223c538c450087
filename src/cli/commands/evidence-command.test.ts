/**
 * `ferry evidence add`, `ferry readiness` and `ferry release show` against a real server on
 * loopback over a real SQLite store: flags to body, --junit, exit codes (0, 1 not admitted,
 * 2 bad input), tables and --json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../testing/fake-server-context.js';
import { runFerry } from '../../testing/fake-terminal.js';
import { buildApp } from '../../server/http/build-app.js';
import { registerRelease } from '../../server/features/releases/release-service.js';
import { applyServiceSpec } from '../../server/features/services/apply-service-spec.js';

const ADMIN = 'evidence-cli-admin';
const T = Date.UTC(2026, 0, 1);
const alice = { actor: 'alice', correlationId: 'c' };
let fake: FakeServerContext;
let app: FastifyInstance;
let client: string[];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-evidence-cli-'));
  fake = await openFakeServerContext({ now: () => T });
  await applyServiceSpec(fake.ctx, 'web', { start: 'node server.js', instances: [{ host: 'h1', port: 7001 }], readiness: { required: ['quality', 'security'] } }, alice);
  await registerRelease(fake.ctx, { service: 'web', version: '2.0.0', package_url: 'https://example.test/web-2.0.0.tgz', sha256: 'a'.repeat(64) }, alice);
  app = await buildApp(fake.ctx, { admin: ADMIN, agent: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  client = ['--server', `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, '--token', ADMIN];
});

afterAll(async () => {
  await app.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const ferry = (...args: string[]) => runFerry([...args, ...client]);

describe('ferry evidence add', () => {
  it('records a check from flags', async () => {
    const run = await ferry('evidence', 'add', 'web', '2.0.0', '--check', 'security', '--failed', '--summary', '2 high CVEs', '--url', 'https://ci.test/sec/1', '--details', '{"cves":2}');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^recorded security failed for web 2\.0\.0 \(evidence \d+: 2 high CVEs\)/);
    expect((await fake.store.listEvidence('web', '2.0.0')).at(-1)).toMatchObject({ check: 'security', passed: false, url: 'https://ci.test/sec/1', details: { cves: 2 }, source: 'ci' });
  });

  it('--junit derives passed and the summary; --json prints the record', async () => {
    const report = join(dir, 'junit.xml');
    writeFileSync(report, '<testsuites><testsuite tests="412" failures="0" errors="0" skipped="3"/></testsuites>');
    const run = await ferry('evidence', 'add', 'web', '2.0.0', '--check', 'quality', '--junit', report, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ check: 'quality', passed: true, summary: '412 tests, 0 failures, 0 errors, 3 skipped', details: { junit: { tests: 412, failures: 0, errors: 0, skipped: 3 } } });
  });

  it.each([
    ['a file that is not JUnit XML', (f: string) => (writeFileSync(f, 'just text'), ['--check', 'quality', '--junit', f]), /is not JUnit XML/],
    ['--passed contradicting the report', (f: string) => (writeFileSync(f, '<testsuite tests="1" failures="1" errors="0"/>'), ['--check', 'quality', '--passed', '--junit', f]), /--passed contradicts/],
    ['neither --passed, --failed nor --junit', () => ['--check', 'quality'], /say whether the check passed/],
    ['both --passed and --failed', () => ['--check', 'quality', '--passed', '--failed'], /not both/],
    ['--details that is not an object', () => ['--check', 'quality', '--passed', '--details', '[1]'], /JSON object/],
    ['an unknown check (the API refuses it)', () => ['--check', 'lint', '--passed'], /lint/],
    ['source ferry (reserved)', () => ['--check', 'rollout', '--passed', '--source', 'ferry'], /reserved/],
  ])('%s: exit 2, one line, nothing stored', async (_name, args, message) => {
    const before = (await fake.store.listEvidence('web', '2.0.0')).length;
    const run = await ferry('evidence', 'add', 'web', '2.0.0', ...args(join(dir, 'bad.xml')));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(await fake.store.listEvidence('web', '2.0.0')).toHaveLength(before);
  });
});

describe('ferry readiness and ferry release show', () => {
  it('release show before any evaluation: the evidence table and "not evaluated"', async () => {
    const run = await ferry('release', 'show', 'web', '2.0.0');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^web 2\.0\.0 {2}sha256 a{64}/);
    expect(lines.find((l) => l.startsWith('CHECK'))).toMatch(/^CHECK\s+PASSED\s+AT\s+SOURCE\s+SUMMARY$/);
    expect(lines.filter((l) => /^(security|quality)\s/.test(l)).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['security', 'no'],
      ['quality', 'yes'],
    ]);
    expect(run.stdout).toMatch(/readiness: not evaluated/);
  });

  it('not admitted: exit 1 with what failed and what is missing', async () => {
    const run = await ferry('readiness', 'web', '2.0.0');
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').slice(0, 4)).toEqual([`web 2.0.0: not admitted (evaluated ${new Date(T).toISOString()})`, '  failed:  security', '  missing: -', '  replay:  not passed']);
  });

  it('admitted once every required check and replay passed: exit 0; release show has the last readiness; --json the body', async () => {
    await ferry('evidence', 'add', 'web', '2.0.0', '--check', 'security', '--passed');
    const draft = { service: 'web', version: '2.0.0', check: 'replay', passed: true, summary: 'replay ok', url: null, details: null, source: 'ferry', actor: 'ferry', correlation_id: 'c', recorded_at: T };
    await fake.store.appendEvidence(draft);
    const run = await ferry('readiness', 'web', '2.0.0', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ admitted: true, failed_checks: [], missing_checks: [], replay_passed: true });
    const show = await ferry('release', 'show', 'web', '2.0.0');
    expect(show.stdout).toMatch(/web 2\.0\.0: admitted/);
    const json = JSON.parse((await ferry('release', 'show', 'web', '2.0.0', '--json')).stdout);
    expect(json).toMatchObject({ version: '2.0.0', readiness: { admitted: true } });
    expect(json.evidence.length).toBeGreaterThanOrEqual(4);
  });

  it('an unknown release: exit 2', async () => {
    expect((await ferry('readiness', 'web', '9.9.9')).code).toBe(2);
    expect((await ferry('release', 'show', 'web', '9.9.9')).code).toBe(2);
  });
});
