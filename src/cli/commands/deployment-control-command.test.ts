/** `ferry promote|pause|resume|abort` run in-process against a real loopback API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local-fleet/free-port.js';
import type { DeploymentDetail } from '../control-summary.js';
import { apiError, startFakeFerryApi, type Answer, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';

function detail(id: string, status: string, over: Partial<DeploymentDetail> = {}): Answer {
  return [
    200,
    {
      deploy_id: id,
      kind: 'deploy',
      service: 'hello',
      version: '2.0',
      status,
      reason: null,
      progress: { total: 8, completed: 4, failed: 0, pending: 4 },
      instances: [],
      rollout: { step: 2, steps: 2, pause: null, batch_size: 2, in_flight: 2 },
      ...over,
    },
  ];
}

let api: FakeFerryApi;

beforeAll(async () => {
  api = await startFakeFerryApi({
    'POST /api/v1/deployments/dep-1/promote': [detail('dep-1', 'running')],
    'POST /api/v1/deployments/dep-1/pause': [detail('dep-1', 'running', { rollout: { step: null, steps: 0, pause: null, batch_size: 2, in_flight: 2 } })],
    'POST /api/v1/deployments/dep-1/resume': [detail('dep-1', 'running', { rollout: undefined })],
    'POST /api/v1/deployments/dep-1/abort': [detail('dep-1', 'rolling_back', { rollout: undefined })],
    'POST /api/v1/deployments/a%2Fb/promote': [detail('a/b', 'running')],
    'POST /api/v1/deployments/dep-gone/promote': [apiError(404, 'deployment_not_found', 'deployment dep-gone does not exist')],
    'POST /api/v1/deployments/dep-done/abort': [apiError(409, 'deployment_finished', 'deployment dep-done already ended succeeded')],
    'POST /api/v1/deployments/dep-running/promote': [apiError(422, 'not_paused', 'deployment dep-running is not waiting for promotion')],
    'POST /api/v1/deployments/dep-stop/abort': [detail('dep-stop', 'rolling_back')],
    'GET /api/v1/deployments/dep-stop': [detail('dep-stop', 'rolling_back'), detail('dep-stop', 'aborted', { rollout: undefined })],
    'POST /api/v1/deployments/dep-late/abort': [detail('dep-late', 'running')],
    'GET /api/v1/deployments/dep-late': [detail('dep-late', 'succeeded', { progress: { total: 8, completed: 8, failed: 0, pending: 0 } })],
  });
});

afterAll(async () => {
  await api.close();
});

const client = () => ['--server', api.url, '--token', api.token];

describe('ferry promote|pause|resume|abort: arguments', () => {
  it.each<[string, string[], RegExp]>([
    ['no deployment id', ['promote'], /missing required argument 'deploy_id'/],
    ['a blank deployment id', ['abort', '  '], /expected a deployment id/],
    ['two ids', ['pause', 'dep-1', 'dep-2'], /too many arguments/],
    ['--wait on anything but abort', ['promote', 'dep-1', '--wait'], /unknown option '--wait'/],
    ['an unknown flag', ['resume', 'dep-1', '--force'], /unknown option '--force'/],
  ])('%s is bad usage (exit 2), and nothing is sent', async (_name, args, message) => {
    const before = api.requests.length;
    const run = await runFerry([...args, ...client()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(api.requests.length).toBe(before);
  });

  it('a bad --server is bad usage too', async () => {
    const run = await runFerry(['promote', 'dep-1', '--server', 'ftp://example.com', '--token', 't']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/--server must be http or https/);
  });
});

describe('ferry promote|pause|resume|abort: against the API', () => {
  it.each<[string, string]>([
    ['promote', 'dep-1 promoted: running, step 2/2, 4/8 done\n'],
    ['pause', 'dep-1 pausing: running, 4/8 done\n'],
    ['resume', 'dep-1 resumed: running, 4/8 done\n'],
    ['abort', 'dep-1 aborting: rolling_back, 4/8 done\n'],
  ])('%s POSTs {} with the token and prints one line', async (action, line) => {
    const run = await runFerry([action, 'dep-1', ...client()]);
    expect(run).toEqual({ code: 0, stdout: line, stderr: '' });
    expect(api.requests.at(-1)).toEqual({
      method: 'POST',
      url: `/api/v1/deployments/dep-1/${action}`,
      authorization: 'Bearer secret',
      contentType: 'application/json',
      body: '{}',
    });
  });

  it('--json prints the API body as it came', async () => {
    const run = await runFerry(['promote', 'dep-1', '--json', ...client()]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(detail('dep-1', 'running')[1]);
  });

  it('the id is one path segment, however it is spelled', async () => {
    const run = await runFerry(['promote', ' a/b ', ...client()]);
    expect(run.code).toBe(0);
    expect(api.requests.at(-1)?.url).toBe('/api/v1/deployments/a%2Fb/promote');
  });

  it.each<[string, string[], number, string]>([
    ['unknown deployment (404)', ['promote', 'dep-gone'], 2, 'ferry: deployment dep-gone does not exist\n'],
    ['already ended (409)', ['abort', 'dep-done'], 2, 'ferry: deployment dep-done already ended succeeded\n'],
    ['not allowed now (422)', ['promote', 'dep-running'], 2, 'ferry: deployment dep-running is not waiting for promotion\n'],
  ])('%s: exit %i with the API message on one line', async (_name, args, code, stderr) => {
    expect(await runFerry([...args, ...client()])).toEqual({ code, stdout: '', stderr });
  });

  it('a bad token: exit 3', async () => {
    const run = await runFerry(['pause', 'dep-1', '--server', api.url, '--token', 'wrong']);
    expect(run).toEqual({ code: 3, stdout: '', stderr: 'ferry: the token is not valid\n' });
  });

  it('no server: exit 3', async () => {
    const port = await freePort();
    const run = await runFerry(['resume', 'dep-1', '--server', `http://127.0.0.1:${port}`, '--token', 't']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^ferry: cannot reach the ferry server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
  });
});

describe('ferry abort --wait', () => {
  it('follows the deployment until it ends aborted: exit 0', async () => {
    const run = await runFerry(['abort', 'dep-stop', '--wait', ...client()]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('dep-stop aborting: rolling_back, step 2/2, 4/8 done');
    expect(lines).toContain('deployment dep-stop  rolling_back  →  aborted');
    expect(lines.at(-2)).toMatch(/^deployment dep-stop aborted after \d+\.\d s$/);
    expect(run.stdout).not.toContain('\x1b');
  });

  it('any other end is a failure: exit 1', async () => {
    const run = await runFerry(['abort', 'dep-late', '--wait', ...client()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/deployment dep-late succeeded after \d+\.\d s\n$/);
    expect(run.stderr).toBe('');
  });

  it('with --json: progress on stderr, the final deployment alone on stdout', async () => {
    const run = await runFerry(['abort', 'dep-stop', '--wait', '--json', ...client()]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ deploy_id: 'dep-stop', status: 'aborted' });
    expect(run.stderr).toMatch(/deployment dep-stop aborted after/);
  });
});
