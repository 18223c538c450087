/**
 * package.json's `engines` is the Node every locked dependency supports: `npm ci` on the
 * oldest Node it allows prints no EBADENGINE (which .ci/run turns into a failure), and the
 * range is no wider than the dependencies allow.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** The lowest release of each Node line the range admits, e.g. "^20.19.0 || >=22.12.0" → 20.19.0, 22.12.0. */
function lowestAdmitted(range: string): string[] {
  return new semver.Range(range).set.map((comparators) => semver.minVersion(comparators.map((c) => c.value).join(' '))?.version ?? '0.0.0');
}

describe('engines', () => {
  const ours = pkg.engines.node;

  it('admits the Node running the tests', () => {
    expect(semver.satisfies(process.version, ours)).toBe(true);
  });

  it('every locked package supports the oldest Node of each line engines admits', () => {
    const unsupported: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (path === '' || node === undefined) continue;
      for (const version of lowestAdmitted(ours)) {
        if (!semver.satisfies(version, node)) unsupported.push(`${path.replace(/^node_modules\//, '')} needs node ${node}, engines admits ${version}`);
      }
    }
    expect(unsupported).toEqual([]);
  });

  it('.ci/run fails when npm ci prints EBADENGINE', () => {
    const script = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    // The check itself, run on a log with and without the warning.
    const check = /if grep -q EBADENGINE "\$npm_ci_log"; then\n[^\n]*\n\s*exit 1\nfi/.exec(script)?.[0];
    expect(check).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'ferry-ci-check-'));
    const run = (log: string): number => {
      writeFileSync(join(dir, 'npm-ci.log'), log);
      try {
        execFileSync('bash', ['-c', `npm_ci_log="$1"\n${check}`, 'check', join(dir, 'npm-ci.log')], { stdio: 'ignore' });
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    try {
      expect(run('npm warn EBADENGINE Unsupported engine {\n')).toBe(1);
      expect(run('added 300 packages\n')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
