/** `ferry status ID` shows a deployment's analysis block, and `--json` carries it as `analysis`, against a loopback API. */
import { afterEach, describe, expect, it } from 'vitest';
import { apiError, startFakeFerryApi, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';

let api: FakeFerryApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

const deployment = { deploy_id: 'dep-3', kind: 'deploy', service: 'hello', version: '2.0', status: 'rolled_back', reason: { code: 'analysis_failed', message: 'analysis query errors failed once' }, instances: [{ instance_id: 'a', status: 'reverted', version: '1.0', updated_at: 't1' }] };
const analysis = {
  deploy_id: 'dep-3',
  service: 'hello',
  version: '2.0',
  baseline_version: '1.0',
  judgement: { phase: 'step-1', state: 'failed', reason: { code: 'analysis_failed', message: 'analysis query errors failed once (failure_limit 0)' }, dry_run: false },
  measurements: [{ phase: 'step-1', query: 'errors', verdict: 'failed', values: { values: [0.2] }, reason: 'query errors returned 0.2, which does not meet success "< 0.05"', measured_at: '2026-12-01T12:00:30.000Z' }],
};

describe('ferry status with analysis', () => {
  it('prints the judgement and the newest verdict per query under the instances', async () => {
    api = await startFakeFerryApi({ 'GET /api/v1/deployments/dep-3': [[200, deployment]], 'GET /api/v1/deployments/dep-3/analysis': [[200, analysis]] });
    const run = await runFerry(['status', 'dep-3', '--server', api.url, '--token', api.token]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      [
        'analysis step-1: failed (analysis_failed) analysis query errors failed once (failure_limit 0)',
        '  QUERY   VERDICT  PHASE   MEASURED                  REASON',
        '  errors  failed   step-1  2026-12-01T12:00:30.000Z  query errors returned 0.2, which does not meet success "< 0.05"',
      ].join('\n'),
    );
  });

  it('--json adds the analysis body to the deployment’s', async () => {
    api = await startFakeFerryApi({ 'GET /api/v1/deployments/dep-3': [[200, deployment]], 'GET /api/v1/deployments/dep-3/analysis': [[200, analysis]] });
    const run = await runFerry(['status', 'dep-3', '--json', '--server', api.url, '--token', api.token]);
    expect(JSON.parse(run.stdout)).toEqual({ ...deployment, analysis });
  });

  it('shows nothing more for a service without analysis, or a server without the route', async () => {
    api = await startFakeFerryApi({
      'GET /api/v1/deployments/dep-3': [[200, deployment], [200, deployment]],
      'GET /api/v1/deployments/dep-3/analysis': [[200, { ...analysis, judgement: null, measurements: [] }], apiError(404, 'not_found', 'no such route')],
    });
    for (let k = 0; k < 2; k += 1) {
      const run = await runFerry(['status', 'dep-3', '--json', '--server', api.url, '--token', api.token]);
      expect(JSON.parse(run.stdout)).toEqual(deployment);
    }
  });
});
