/** `ferry release-instance` and `ferry versions` run in-process against a real loopback API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startFakeFerryApi, type FakeFerryApi } from '../../testing/fake-ferry-api.js';
import { runFerry } from '../../testing/fake-terminal.js';

let api: FakeFerryApi;

beforeAll(async () => {
  api = await startFakeFerryApi({
    'POST /api/v1/instances/hello-a-1/release': [[200, { instance_id: 'hello-a-1', service: 'hello', released: true, status: 'ready', version: 'v2' }]],
    'POST /api/v1/instances/hello-a-2/release': [apiError(422, 'version_still_wrong', 'instance hello-a-2 answers version v1 but should run v2')],
    'POST /api/v1/instances/nope/release': [apiError(404, 'instance_not_found', 'instance nope does not exist')],
    'GET /api/v1/services/hello/versions': [
      [
        200,
        {
          service: 'hello',
          desired_version: 'v2',
          instances: [
            { instance_id: 'hello-a-1', version: 'v2', status: 'ready', pinned_version: null, drifted: false, drift_reason: null, isolation: null, last_updated: '2026-01-01T00:00:00.000Z' },
            {
              instance_id: 'hello-a-2',
              version: 'v1',
              status: 'quarantined',
              pinned_version: null,
              drifted: true,
              drift_reason: { code: 'version_mismatch', message: 'instance hello-a-2 answered version v1, expected v2' },
              isolation: { status: 'quarantined', policy: 'quarantine', reason: { message: 'answered v1, expected v2' }, since: '2026-01-01T00:00:01.000Z' },
              last_updated: '2026-01-01T00:00:02.000Z',
            },
          ],
          version_summary: { v2: 1, v1: 1 },
          drift_count: 1,
        },
      ],
    ],
  });
});

afterAll(async () => {
  await api.close();
});

const client = () => ['--server', api.url, '--token', api.token];

describe('ferry release-instance', () => {
  it('releases an instance (exit 0) and says where it stands', async () => {
    const run = await runFerry(['release-instance', 'hello-a-1', ...client()]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe('released hello-a-1 (hello): ready on v2\n');
    expect(api.requests.at(-1)).toMatchObject({ method: 'POST', url: '/api/v1/instances/hello-a-1/release' });
  });

  it('prints the body with --json', async () => {
    const run = await runFerry(['release-instance', 'hello-a-1', '--json', ...client()]);
    expect(JSON.parse(run.stdout)).toMatchObject({ released: true, status: 'ready' });
  });

  it.each([
    ['hello-a-2', /version v1 but should run v2/],
    ['nope', /does not exist/],
  ])('a refusal for %s is exit 2 with the server message', async (id, message) => {
    const run = await runFerry(['release-instance', id, ...client()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('an unreachable server is exit 3', async () => {
    const run = await runFerry(['release-instance', 'hello-a-1', '--server', 'http://127.0.0.1:9', '--token', 't']);
    expect(run.code).toBe(3);
  });
});

describe('ferry versions', () => {
  it('shows the distribution, the desired version and why an instance drifted or is isolated', async () => {
    const run = await runFerry(['versions', 'hello', ...client()]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('desired version: v2   drifted: 1');
    expect(lines[1]).toBe('running: v2 ×1, v1 ×1');
    expect(run.stdout).toMatch(/hello-a-1\s+v2\s+-\s+ready\s+-\s+2026-01-01T00:00:00.000Z\s+-\n/);
    expect(run.stdout).toMatch(/hello-a-2\s+v1\s+-\s+quarantined .*drifted: instance hello-a-2 answered version v1, expected v2; quarantined since 2026-01-01T00:00:01.000Z \(quarantine\)/);
  });
});
