/**
 * `npm run demo` is Ferry's main job: run it as a user would (bin/ferry demo, its own
 * process) and check that it tells the whole story, exits 0 and leaves nothing running.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { haproxyMissing } from '../../src/local-fleet/haproxy-process.js';

function runDemo(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FERRY_BIN, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run demo', () => {
  it('tells the whole story and exits 0 with no process left behind', async () => {
    const { code, out } = await runDemo();
    expect(code, out).toBe(0);
    expect(out).toMatch(/deploy v1, rolling 2 at a time .* succeeded; instances answer v1/);
    expect(out).toMatch(/v2 not admitted until CI evidence and a replay .* deploy v2 → 422 not_admitted \(missing quality, security, replay\); CI evidence \+ replay v2 \(3 requests, 0 differences, \d+ noise fields? filtered\) → v2, v3 admitted/);
    expect(out).toMatch(/v2 on the canary channel, then promoted to stable .* canary answers v1×5 v2×1; promoted: succeeded, instances answer v2/);
    expect(out).toMatch(/deploy v3: fails \/check .* rolled_back by itself: .*failed check GET \/check.*instances answer v2/);
    expect(out).toMatch(/P0 paged for v3; which version serves a session .* DeploymentRolledBack for dep-\S+; ses-\S+ → v2 on hello-local-\d+; consistency 1/);
    expect(out).toMatch(/changed behind Ferry: detected, rebuilt .* answered v1, quarantined, rebuilt on v2; instances answer v2/);
    // The aliases are devDependencies: after npm ci this step always runs.
    expect(out).toMatch(/any service: http-server 14\.0\.0 → 14\.1\.1 from npm, no \/version .* \d+ files a package; running \{"14\.1\.1":2\}, 2\/2 pages say 14\.1\.1; proven by process: .*releases\/14\.1\.1/);
    expect(out).toMatch(/viewer token .* env shown as \{"GREETING_SECRET":"\*\*\*"\}; deploy → 403 forbidden/);
    expect(out).toMatch(/a freeze window refuses a deploy.* \S+ for an hour: deploy v1 → 422 frozen/);
    // .ci/run installs HAProxy; a machine without it runs the demo with that step skipped.
    if (haproxyMissing() === undefined) {
      expect(out).toMatch(/behind HAProxy: a rolling restart under 200 req\/s .* restart dep-\S+ succeeded: \d+ requests through HAProxy, 0 failed/);
      expect(out).toMatch(/one-click rollback during the freeze .* to v1 \(previous_version\) succeeded; instances answer v1; through HAProxy \d+ requests, 0 failed/);
    } else {
      expect(out).toMatch(/behind HAProxy: a rolling restart under 200 req\/s .* skipped: /);
      expect(out).toMatch(/one-click rollback during the freeze .* to v1 \(previous_version\) succeeded; instances answer v1/);
    }
    expect(out).toMatch(/versions: desired v1, previous v2, running \{"v1":6\}, drifted 0/);
    expect(out).toContain('no process left behind');
  }, 120_000);
});
