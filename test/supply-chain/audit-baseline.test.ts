/**
 * scripts/audit-baseline.mjs on recorded audit reports (no registry needed): a new
 * advisory fails, an accepted one passes, a fixed one says the baseline can shrink, and
 * an audit that could not run fails unless the caller said to go on without it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'audit-baseline.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ferry-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TAR_ADVISORY = { source: 1_097_493, name: 'tar', dependency: 'tar', title: 'Arbitrary file overwrite', url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', severity: 'high', range: '<7.5.3' };
const REPORT_WITH_TAR = {
  auditReportVersion: 2,
  vulnerabilities: {
    tar: { name: 'tar', severity: 'high', isDirect: true, via: [TAR_ADVISORY], effects: ['ferry-dep'], range: '<7.5.3', nodes: ['node_modules/tar'], fixAvailable: true },
    'ferry-dep': { name: 'ferry-dep', severity: 'high', isDirect: true, via: ['tar'], effects: [], range: '*', nodes: ['node_modules/ferry-dep'], fixAvailable: true },
  },
  metadata: { vulnerabilities: { high: 2, total: 2 } },
};
const CLEAN_REPORT = { auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: { total: 0 } } };
const UNREACHABLE_REPORT = { message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } };
const TAR_ACCEPTED = { id: 'GHSA-aaaa-bbbb-cccc', package: 'tar', severity: 'high', reason: 'archives come only from our own packager' };

let files = 0;
function file(content: unknown): string {
  const path = join(dir, `f${files++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function audit(report: unknown, baseline: unknown | null, env: Record<string, string> = {}) {
  const args = [SCRIPT, '--input', file(report), ...(baseline === null ? [] : ['--baseline', file(baseline)])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, FERRY_AUDIT_UNREACHABLE: '', ...env } });
  return { status: run.status, out: run.stdout, err: run.stderr };
}

describe('audit-baseline', () => {
  it('fails with one line per advisory that is not in the baseline', () => {
    const run = audit(REPORT_WITH_TAR, { accepted: [] });
    expect(run.status).toBe(1);
    expect(run.out.split('\n').filter((l) => l.startsWith('new finding:'))).toEqual(['new finding: GHSA-aaaa-bbbb-cccc in tar (high) Arbitrary file overwrite https://github.com/advisories/GHSA-aaaa-bbbb-cccc']);
  });

  it('passes when every advisory is accepted', () => {
    const run = audit(REPORT_WITH_TAR, { accepted: [TAR_ACCEPTED] });
    expect(run.status).toBe(0);
    expect(run.out).toContain('all accepted');
  });

  it('passes and says the baseline can shrink when an accepted advisory is gone', () => {
    const run = audit(CLEAN_REPORT, { accepted: [TAR_ACCEPTED] });
    expect(run.status).toBe(0);
    expect(run.out).toContain('baseline can shrink: GHSA-aaaa-bbbb-cccc in tar');
  });

  it('fails loudly when the audit could not run, and goes on with a warning only when told to', () => {
    const strict = audit(UNREACHABLE_REPORT, { accepted: [] });
    expect(strict.status).toBe(2);
    expect(strict.err).toContain('could not run: 405 Method Not Allowed');
    const lenient = audit(UNREACHABLE_REPORT, { accepted: [] }, { FERRY_AUDIT_UNREACHABLE: 'warn' });
    expect(lenient.status).toBe(0);
    expect(lenient.err).toContain('WARNING: the dependency scan did NOT run');
    expect(audit('npm ERR! not json', { accepted: [] }).status).toBe(2);
  });

  it('never lets the warning setting hide a new finding', () => {
    expect(audit(REPORT_WITH_TAR, { accepted: [] }, { FERRY_AUDIT_UNREACHABLE: 'warn' }).status).toBe(1);
  });

  it('refuses an accepted entry without a reason', () => {
    const run = audit(CLEAN_REPORT, { accepted: [{ ...TAR_ACCEPTED, reason: '' }] });
    expect(run.status).toBe(2);
    expect(run.err).toContain('needs id, package, severity and reason');
  });

  it('reads the committed baseline', () => {
    expect(audit(CLEAN_REPORT, null).status).toBe(0);
  });
});
